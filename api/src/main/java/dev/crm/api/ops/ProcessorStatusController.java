package dev.crm.api.ops;

import dev.crm.infra.axon.ReadModelPositions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The event processors that build the read models, as an operator needs to see them (platform
 * admin): per processor its position (the lowest any segment committed), the head of the event
 * store, how far behind it is in events and in seconds, whether it replays, its errors and its dead
 * letters; per segment which node holds it. Positions come from the shared token store, so every
 * node answers for all of them; the error and caught-up state of a segment is known only to the
 * node that holds it ({@code claimedHere}).
 */
@RestController
@Tag(name = "Operations")
public class ProcessorStatusController {
  private final EventProcessingConfiguration processing;
  private final ReadModelPositions positions;

  public ProcessorStatusController(
      EventProcessingConfiguration processing, ReadModelPositions positions) {
    this.processing = processing;
    this.positions = positions;
  }

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
      boolean segmentReplaying = s.replaying() || (here != null && here.isReplaying());
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
    return new ProcessorStatus(
        processor.getName(),
        processor.isRunning(),
        position,
        head,
        lagEvents,
        lagSeconds,
        replaying,
        errors,
        positions.deadLetters(processor.getName()),
        segments);
  }
}
