package dev.crm.domain.segment;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** Commands for the segment aggregate; tenant and time come with each command. */
public final class SegmentCommands {
  private SegmentCommands() {}

  public record CreateSegment(
      @TargetAggregateIdentifier String segmentId,
      String tenantId,
      String name,
      SegmentDefinition definition,
      Instant at) {}

  /** Partial update: a {@code null} name or definition is left as it is. */
  public record UpdateSegment(
      @TargetAggregateIdentifier String segmentId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      String name,
      SegmentDefinition definition,
      Instant at) {}

  public record DeleteSegment(
      @TargetAggregateIdentifier String segmentId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}
}
