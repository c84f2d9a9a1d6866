package dev.crm.projections.segment;

import static dev.crm.db.jooq.Tables.SEGMENT;
import static org.jooq.impl.DSL.val;

import dev.crm.domain.segment.SegmentDefinition;
import dev.crm.domain.segment.SegmentEvent.SegmentCreated;
import dev.crm.domain.segment.SegmentEvent.SegmentDeleted;
import dev.crm.domain.segment.SegmentEvent.SegmentUpdated;
import dev.crm.projections.shared.BatchedKeys;
import dev.crm.projections.shared.Json;
import dev.crm.projections.shared.SortKeys;
import dev.crm.projections.shared.Times;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.springframework.stereotype.Component;

/**
 * The segment read table: one row per saved segment, its definition as JSONB in the API's shape
 * ({@code {"groups":[{"filters":[{"field","op","values"}]}]}}). Deleted segments stay as rows
 * marked deleted, so a replayed update cannot bring them back.
 */
@Component
@ProcessingGroup(SegmentTableProjection.GROUP)
public class SegmentTableProjection {
  public static final String GROUP = "segment-table";

  private final DSLContext db;

  /** The batch's created, redefined and deleted segments, whose members are built again. */
  private final BatchedKeys<UUID> changed;

  public SegmentTableProjection(DSLContext db, SegmentMembers segmentMembers) {
    this.db = db;
    this.changed = new BatchedKeys<>(GROUP, segmentMembers::segmentsChanged);
  }

  @EventHandler
  void on(SegmentCreated e, @SequenceNumber long seq) {
    db.insertInto(SEGMENT)
        .set(SEGMENT.TENANT_ID, UUID.fromString(e.tenantId()))
        .set(SEGMENT.ID, UUID.fromString(e.segmentId()))
        .set(SEGMENT.VERSION, seq)
        .set(SEGMENT.NAME, e.name())
        .set(SEGMENT.SORT_NAME, SortKeys.name(val(e.name(), String.class)))
        .set(SEGMENT.DEFINITION, json(e.definition()))
        .set(SEGMENT.DELETED, false)
        .set(SEGMENT.CREATED_AT, Times.utc(e.at()))
        .set(SEGMENT.UPDATED_AT, Times.utc(e.at()))
        .onConflictDoNothing()
        .execute();
    changed.add(e.tenantId(), UUID.fromString(e.segmentId()));
  }

  @EventHandler
  void on(SegmentUpdated e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    if (e.name() != null) {
      changes.put(SEGMENT.NAME, e.name());
      changes.put(SEGMENT.SORT_NAME, SortKeys.name(val(e.name(), String.class)));
    }
    if (e.definition() != null) {
      changes.put(SEGMENT.DEFINITION, json(e.definition()));
      changed.add(e.tenantId(), UUID.fromString(e.segmentId()));
    }
    update(e.tenantId(), e.segmentId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(SegmentDeleted e, @SequenceNumber long seq) {
    update(e.tenantId(), e.segmentId(), seq, e.at(), Map.of(SEGMENT.DELETED, true));
    changed.add(e.tenantId(), UUID.fromString(e.segmentId()));
  }

  private void update(
      String tenantId, String segmentId, long seq, Instant at, Map<Field<?>, Object> changes) {
    VersionGuard.Row row =
        new VersionGuard.Row(
            SEGMENT,
            SEGMENT
                .TENANT_ID
                .eq(UUID.fromString(tenantId))
                .and(SEGMENT.ID.eq(UUID.fromString(segmentId))),
            SEGMENT.VERSION,
            SEGMENT.UPDATED_AT);
    VersionGuard.update(db, row, seq, at, changes);
  }

  /** The definition in the API's JSON shape, independent of the domain records' names. */
  private static JSONB json(SegmentDefinition definition) {
    List<Map<String, Object>> groups =
        definition.groups().stream()
            .map(
                g ->
                    Map.<String, Object>of(
                        "filters",
                        g.filters().stream()
                            .map(
                                f ->
                                    Map.<String, Object>of(
                                        "field", f.field(), "op", f.op(), "values", f.values()))
                            .toList()))
            .toList();
    return Json.jsonb(Map.of("groups", groups));
  }
}
