package dev.crm.api.ops;

import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import dev.crm.infra.deadletter.DeadLetters;
import dev.crm.infra.deadletter.DeadLetters.Letter;
import dev.crm.infra.deadletter.DeadLetters.Retry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters (platform admin): events a projection could not handle for good, parked with the
 * later events of their sequence while the processor goes on. List them, retry a letter's sequence
 * once its cause is fixed, retry all, or discard a letter.
 */
@RestController
@Tag(name = "Operations")
public class DeadLetterController {
  private static final int MAX_LIMIT = 1000;

  private final DeadLetters deadLetters;

  public DeadLetterController(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** Letters per processor, and the letters themselves (of one processor, or of all). */
  public record DeadLetterList(Map<String, Long> counts, List<Letter> letters) {}

  public record RetryAll(int sequencesRetried, long remaining) {}

  @GetMapping("/api/v1/admin/dead-letters")
  @Operation(summary = "Dead letters: counts per processor and the letters, sequence by sequence")
  public DeadLetterList list(
      @RequestParam(required = false) String processor,
      @RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidField("limit", "must be between 1 and " + MAX_LIMIT);
    }
    Map<String, Long> counts = deadLetters.counts();
    List<Letter> letters = new ArrayList<>();
    for (String name : processor == null ? counts.keySet() : List.of(known(processor))) {
      if (letters.size() < limit) {
        letters.addAll(deadLetters.list(name, limit - letters.size()));
      }
    }
    return new DeadLetterList(counts, letters);
  }

  @GetMapping("/api/v1/admin/dead-letters/{processor}/{id}")
  @Operation(summary = "One dead letter")
  public Letter get(@PathVariable String processor, @PathVariable String id) {
    return deadLetters
        .find(known(processor), id)
        .orElseThrow(() -> new AggregateNotFound("dead letter", id));
  }

  @PostMapping("/api/v1/admin/dead-letters/{processor}/{id}/retry")
  @Operation(
      summary =
          "Handle the letter's sequence again, in order; what fails again stays with its new cause")
  public Retry retry(@PathVariable String processor, @PathVariable String id) {
    return deadLetters
        .retry(known(processor), id)
        .orElseThrow(() -> new AggregateNotFound("dead letter", id));
  }

  @PostMapping("/api/v1/admin/dead-letters/{processor}/retry")
  @Operation(summary = "Retry every sequence of a processor once")
  public RetryAll retryAll(@PathVariable String processor) {
    int retried = deadLetters.retryAll(known(processor));
    return new RetryAll(retried, deadLetters.counts().getOrDefault(processor, 0L));
  }

  @DeleteMapping("/api/v1/admin/dead-letters/{processor}/{id}")
  @Operation(summary = "Discard a dead letter for good; the events behind it stay parked")
  public ResponseEntity<Void> discard(@PathVariable String processor, @PathVariable String id) {
    if (!deadLetters.discard(known(processor), id)) {
      throw new AggregateNotFound("dead letter", id);
    }
    return ResponseEntity.noContent().build();
  }

  private String known(String processor) {
    if (!deadLetters.hasQueue(processor)) {
      throw new AggregateNotFound("processor with a dead-letter queue", processor);
    }
    return processor;
  }
}
