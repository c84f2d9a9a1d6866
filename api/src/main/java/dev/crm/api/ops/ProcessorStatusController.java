package dev.crm.api.ops;

import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.infra.jobs.Progress;
import dev.crm.infra.rebuild.ProcessorReplays;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The event processors that build the read models, as an operator needs to see them (platform
 * admin): per processor its position (the lowest any segment committed), the head of the event
 * store, how far behind it is in events and in seconds, whether it replays, its errors and its dead
 * letters; per segment which node holds it. Positions come from the shared token store, so every
 * node answers for all of them; the error and caught-up state of a segment is known only to the
 * node that holds it ({@code claimedHere}).
 *
 * <p>Replay control: {@code POST .../{name}/replay} replays a processor from the first event in
 * place (its progress and ETA then show under {@code replay}); {@code /pause} and {@code /resume}
 * stop and start it on every node.
 */
@RestController
@Tag(name = "Operations")
public class ProcessorStatusController {
  private final EventProcessingConfiguration processing;
  private final ReadModelPositions positions;
  private final ProcessorReplays replays;

  public ProcessorStatusController(
      EventProcessingConfiguration processing,
      ReadModelPositions positions,
      ProcessorReplays replays) {
    this.processing = processing;
    this.positions = positions;
    this.replays = replays;
  }

  /**
   * A processor's last replay: when it began, the head it replays up to, how far it got, and (while
   * it runs) the events per second since it began and the time left at that rate.
   */
  public record ReplayProgress(
      OffsetDateTime startedAt,
      long headAtStart,
      boolean running,
      double percent,
      Double eventsPerSecond,
      Double etaSeconds) {}

  /** One segment: who holds it, where it is, and (on the node that holds it) how it is doing. */
  public record SegmentStatus(
      int segment,
      String owner,
      Long position,
      boolean replaying,
      boolean claimedHere,
      Boolean caughtUp,
      String error) {}

  /** One processor; {@code position} and the lags are null before its first commit. */
  public record ProcessorStatus(
      String name,
      boolean runningHere,
      Long position,
      long head,
      Long lagEvents,
      Double lagSeconds,
      boolean replaying,
      boolean paused,
      ReplayProgress replay,
      List<String> errors,
      int deadLetters,
      List<SegmentStatus> segments) {}

  public record Processors(long head, List<ProcessorStatus> processors) {}

  @GetMapping("/api/v1/admin/processors")
  @Operation(summary = "Event processors: segments, position, head, lag, replaying, errors")
  public Processors processors() {
    long head = positions.head();
    List<ProcessorStatus> out = new ArrayList<>();
    processing.eventProcessors().values().stream()
        .filter(StreamingEventProcessor.class::isInstance)
        .map(StreamingEventProcessor.class::cast)
        .sorted(Comparator.comparing(StreamingEventProcessor::getName))
        .forEach(p -> out.add(status(p, head)));
    return new Processors(head, out);
  }

  @GetMapping("/api/v1/admin/processors/{name}")
  @Operation(summary = "One event processor's status")
  public ProcessorStatus processor(@PathVariable String name) {
    return status(find(name), positions.head());
  }

  @PostMapping("/api/v1/admin/processors/{name}/replay")
  @Operation(
      summary =
          "Replay a processor from the first event, in place, on every node; progress under"
              + " replay")
  public ResponseEntity<ProcessorStatus> replay(@PathVariable String name)
      throws InterruptedException {
    find(name);
    try {
      replays.replay(name);
    } catch (ProcessorReplays.AlreadyPaused e) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
    }
    return ResponseEntity.accepted().body(processor(name));
  }

  @PostMapping("/api/v1/admin/processors/{name}/pause")
  @Operation(summary = "Stop a processor on every node (a replay keeps its place)")
  public ProcessorStatus pause(@PathVariable String name) throws InterruptedException {
    find(name);
    if (!replays.pause(name)) {
      throw new ResponseStatusException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "some node still holds a segment of " + name + "; it is paused as soon as it lets go");
    }
    return processor(name);
  }

  @PostMapping("/api/v1/admin/processors/{name}/resume")
  @Operation(summary = "Start a paused processor again on every node")
  public ProcessorStatus resume(@PathVariable String name) {
    find(name);
    replays.resume(name);
    return processor(name);
  }

  private StreamingEventProcessor find(String name) {
    return processing
        .eventProcessor(name, StreamingEventProcessor.class)
        .orElseThrow(() -> new AggregateNotFound("processor", name));
  }

  private static ReplayProgress progress(
      ProcessorReplays.Replay r, Long position, boolean replaying) {
    if (!replaying) {
      return new ReplayProgress(r.startedAt(), r.headAtStart(), false, 100.0, null, null);
    }
    long done = position == null ? 0 : Math.max(0, position);
    Progress p = Progress.of(done, r.headAtStart(), r.startedAt(), OffsetDateTime.now());
    // Not done until no segment replays, whatever the arithmetic says.
    return new ReplayProgress(
        r.startedAt(),
        r.headAtStart(),
        true,
        Math.min(99.9, p.percent()),
        p.perSecond(),
        p.etaSeconds());
  }

  private ProcessorStatus status(StreamingEventProcessor processor, long head) {
    Map<Integer, EventTrackerStatus> local = processor.processingStatus();
    List<SegmentStatus> segments = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    long lowest = Long.MAX_VALUE;
    boolean started = true;
    boolean replaying = false;
    for (ReadModelPositions.SegmentPosition s : positions.segments(processor.getName())) {
      EventTrackerStatus here = local.get(s.segment());
      String error = null;
      if (here != null && here.isErrorState() && here.getError() != null) {
        error = here.getError().getClass().getSimpleName() + ": " + here.getError().getMessage();
        errors.add("segment " + s.segment() + ": " + error);
      }
      // From the token store, where a segment that has replayed everything counts as done even
      // while Axon waits for a new event to drop its replay flag.
      boolean segmentReplaying = s.replaying();
      replaying |= segmentReplaying;
      OptionalLong position = s.position();
      if (position.isEmpty()) {
        started = false;
      } else {
        lowest = Math.min(lowest, position.getAsLong());
      }
      segments.add(
          new SegmentStatus(
              s.segment(),
              s.owner(),
              position.isPresent() ? position.getAsLong() : null,
              segmentReplaying,
              here != null,
              here == null ? null : here.isCaughtUp(),
              error));
    }
    if (processor.isError() && errors.isEmpty()) {
      errors.add("the processor is in error mode and retries with back-off");
    }
    Long position = started && !segments.isEmpty() ? lowest : null;
    Long lagEvents = position == null ? null : Math.max(0, head - position);
    Double lagSeconds = null;
    if (lagEvents != null) {
      Instant waitingSince = lagEvents == 0 ? null : positions.timeAfter(position);
      lagSeconds =
          waitingSince == null
              ? 0.0
              : Math.max(0, Duration.between(waitingSince, Instant.now()).toMillis() / 1000.0);
    }
    boolean isReplaying = replaying;
    ReplayProgress replay =
        replays
            .lastReplay(processor.getName())
            .map(r -> progress(r, position, isReplaying))
            .orElse(null);
    return new ProcessorStatus(
        processor.getName(),
        processor.isRunning(),
        position,
        head,
        lagEvents,
        lagSeconds,
        replaying,
        replays.isPaused(processor.getName()),
        replay,
        errors,
        positions.deadLetters(processor.getName()),
        segments);
  }
}
