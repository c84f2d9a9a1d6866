package dev.crm.domain.segment;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Everything that happens to a saved segment. */
public sealed interface SegmentEvent {
  String segmentId();

  String tenantId();

  Instant at();

  @Revision("1")
  record SegmentCreated(
      String segmentId, String tenantId, String name, SegmentDefinition definition, Instant at)
      implements SegmentEvent {}

  /** Only the changed parts are set; {@code null} means unchanged. */
  @Revision("1")
  record SegmentUpdated(
      String segmentId, String tenantId, String name, SegmentDefinition definition, Instant at)
      implements SegmentEvent {}

  @Revision("1")
  record SegmentDeleted(String segmentId, String tenantId, Instant at) implements SegmentEvent {}
}
