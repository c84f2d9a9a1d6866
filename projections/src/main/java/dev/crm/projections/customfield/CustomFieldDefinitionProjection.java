package dev.crm.projections.customfield;

import static dev.crm.db.jooq.Tables.CUSTOM_FIELD_DEFINITION;
import static org.jooq.impl.DSL.excluded;

import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldChanged;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldDefined;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldRemoved;
import dev.crm.projections.segment.SegmentMembers;
import dev.crm.projections.shared.BatchedKeys;
import dev.crm.projections.shared.Times;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

/**
 * The custom field definitions read table: one row per tenant, object type and key, kept after
 * removal with {@code removed} set (contacts still hold the field's values, and segments need its
 * type). The version is the schema aggregate's sequence number, which grows across all of a
 * tenant's fields, so every write is guarded by it.
 */
@Component
@ProcessingGroup(CustomFieldDefinitionProjection.GROUP)
public class CustomFieldDefinitionProjection {
  public static final String GROUP = "custom-field-definitions";

  private static final dev.crm.db.jooq.tables.CustomFieldDefinition T = CUSTOM_FIELD_DEFINITION;
  private static final String CONTACT = "contact";

  private final DSLContext db;

  /** Fields the batch defined, changed or removed: saved segments naming them are rebuilt. */
  private final BatchedKeys<String> changed;

  public CustomFieldDefinitionProjection(DSLContext db, SegmentMembers segmentMembers) {
    this.db = db;
    this.changed = new BatchedKeys<>(GROUP, segmentMembers::fieldsChanged);
  }

  /** A new key, or a removed key defined again: the row takes the new definition. */
  @EventHandler
  void on(CustomFieldDefined e, @SequenceNumber long seq) {
    OffsetDateTime at = Times.utc(e.at());
    db.insertInto(T)
        .set(T.TENANT_ID, UUID.fromString(e.tenantId()))
        .set(T.OBJECT_TYPE, e.objectType())
        .set(T.KEY, e.key())
        .set(T.VERSION, seq)
        .set(T.LABEL, e.label())
        .set(T.TYPE, e.type().name())
        .set(T.REQUIRED, e.required())
        .set(T.OPTIONS, e.options().toArray(String[]::new))
        .set(T.CURRENCY, e.currency())
        .set(T.REMOVED, false)
        .set(T.CREATED_AT, at)
        .set(T.UPDATED_AT, at)
        .onConflict(T.TENANT_ID, T.OBJECT_TYPE, T.KEY)
        .doUpdate()
        .set(T.VERSION, excluded(T.VERSION))
        .set(T.LABEL, excluded(T.LABEL))
        .set(T.TYPE, excluded(T.TYPE))
        .set(T.REQUIRED, excluded(T.REQUIRED))
        .set(T.OPTIONS, excluded(T.OPTIONS))
        .set(T.CURRENCY, excluded(T.CURRENCY))
        .set(T.REMOVED, false)
        .set(T.CREATED_AT, excluded(T.CREATED_AT))
        .set(T.UPDATED_AT, excluded(T.UPDATED_AT))
        .where(T.VERSION.lt(seq))
        .execute();
    segmentField(e.tenantId(), e.objectType(), e.key());
  }

  @EventHandler
  void on(CustomFieldChanged e, @SequenceNumber long seq) {
    update(
        e.tenantId(),
        e.objectType(),
        e.key(),
        seq,
        e.at(),
        Map.<Field<?>, Object>of(
            T.LABEL, e.label(),
            T.REQUIRED, e.required(),
            T.OPTIONS, e.options().toArray(String[]::new)));
  }

  @EventHandler
  void on(CustomFieldRemoved e, @SequenceNumber long seq) {
    update(
        e.tenantId(),
        e.objectType(),
        e.key(),
        seq,
        e.at(),
        Map.<Field<?>, Object>of(T.REMOVED, true));
  }

  private void update(
      String tenantId,
      String objectType,
      String key,
      long seq,
      Instant at,
      Map<Field<?>, Object> changes) {
    VersionGuard.Row row =
        new VersionGuard.Row(
            T,
            T.TENANT_ID
                .eq(UUID.fromString(tenantId))
                .and(T.OBJECT_TYPE.eq(objectType))
                .and(T.KEY.eq(key)),
            T.VERSION,
            T.UPDATED_AT);
    VersionGuard.update(db, row, seq, at, changes);
    segmentField(tenantId, objectType, key);
  }

  /** Segments filter contacts, so only contact fields can change what they select. */
  private void segmentField(String tenantId, String objectType, String key) {
    if (CONTACT.equals(objectType)) {
      changed.add(tenantId, "custom." + key);
    }
  }
}
