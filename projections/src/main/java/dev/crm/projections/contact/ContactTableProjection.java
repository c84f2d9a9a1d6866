package dev.crm.projections.contact;

import static dev.crm.db.jooq.Tables.CONTACT;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.param;
import static org.jooq.impl.DSL.val;

import dev.crm.db.jooq.tables.records.ContactRecord;
import dev.crm.domain.contact.ContactEvent.ActivityLogged;
import dev.crm.domain.contact.ContactEvent.ContactArchived;
import dev.crm.domain.contact.ContactEvent.ContactCreated;
import dev.crm.domain.contact.ContactEvent.ContactDetailsUpdated;
import dev.crm.domain.contact.ContactEvent.ContactLinkedToCompany;
import dev.crm.domain.contact.ContactEvent.ContactRestored;
import dev.crm.domain.contact.ContactEvent.ContactTagsAdded;
import dev.crm.domain.contact.ContactEvent.ContactTagsRemoved;
import dev.crm.domain.contact.ContactEvent.ContactUnlinkedFromCompany;
import dev.crm.domain.contact.ContactEvent.LifecycleStageChanged;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.projections.segment.SegmentMembers;
import dev.crm.projections.shared.BatchedInserts;
import dev.crm.projections.shared.BatchedKeys;
import dev.crm.projections.shared.BatchedStatement;
import dev.crm.projections.shared.Json;
import dev.crm.projections.shared.SortKeys;
import dev.crm.projections.shared.Times;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The contact read table. Every write is guarded by the aggregate sequence number ({@code
 * version}), so a redelivered or replayed event changes nothing; the processor commits these writes
 * and its token in one transaction.
 */
@Component
@ProcessingGroup(ContactTableProjection.GROUP)
public class ContactTableProjection {
  public static final String GROUP = ProcessingGroups.CONTACT_TABLE;

  private final DSLContext db;
  private final BatchedInserts<ContactRecord> inserts;

  /** A rebuild's activity updates, sent as one JDBC batch; null for the serving processor. */
  private final BatchedStatement activities;

  /**
   * The batch's changed contacts, evaluated again for saved segments once all rows are written;
   * null in a rebuild, which builds the segments again after the switch.
   */
  private final BatchedKeys<UUID> changed;

  @Autowired
  public ContactTableProjection(DSLContext db, SegmentMembers segmentMembers) {
    this(db, new BatchedInserts<>(db, CONTACT), null, segmentMembers::contactsChanged);
  }

  private ContactTableProjection(
      DSLContext db,
      BatchedInserts<ContactRecord> inserts,
      BatchedStatement activities,
      Consumer<Map<UUID, Set<UUID>>> contactsChanged) {
    this.db = db;
    this.inserts = inserts;
    this.activities = activities;
    this.changed =
        contactsChanged == null
            ? null
            : new BatchedKeys<>(
                GROUP,
                contacts -> {
                  inserts.flush();
                  contactsChanged.accept(contacts);
                });
  }

  /**
   * A second instance for a rebuild into new tables: {@code db} renders the contact table under the
   * new table's name, saved segments are not evaluated (they are built again after the switch), and
   * a batch's activities update their contacts in one JDBC batch ({@link BatchedStatement}): a
   * store holds many more activities than contacts, and one statement each made them the rebuild's
   * costliest events (171 µs of CPU each in a profile, a created contact's row 23 µs).
   */
  public static ContactTableProjection forRebuild(DSLContext db) {
    Query activity =
        VersionGuard.statement(
            db,
            row(
                CONTACT
                    .TENANT_ID
                    .eq(param("tenant", CONTACT.TENANT_ID.getDataType()))
                    .and(CONTACT.ID.eq(param("id", CONTACT.ID.getDataType())))),
            param("seq", CONTACT.VERSION.getDataType()),
            param("at", CONTACT.UPDATED_AT.getDataType()),
            activityChanges(param("occurred", CONTACT.LAST_ACTIVITY_AT.getDataType())));
    return new ContactTableProjection(
        db,
        BatchedInserts.copying(db, CONTACT),
        new BatchedStatement(db, "contact.activity", activity),
        null);
  }

  /** New contacts of a batch are written together ({@link BatchedInserts}). */
  @EventHandler
  void on(ContactCreated e, @SequenceNumber long seq) {
    ContactRecord row = new ContactRecord();
    row.setTenantId(UUID.fromString(e.tenantId()));
    row.setId(UUID.fromString(e.contactId()));
    row.setVersion(seq);
    row.setFirstName(e.firstName());
    row.setLastName(e.lastName());
    row.setSortName(SortKeys.personName(e.lastName(), e.firstName()));
    row.setEmail(e.primaryEmail());
    row.setOtherEmails(e.otherEmails().toArray(String[]::new));
    row.setPhones(e.phones().toArray(String[]::new));
    row.setCompanyId(uuid(e.companyId()));
    row.setOwnerId(e.ownerId());
    row.setLifecycleStage(e.lifecycleStage().name());
    row.setLeadScore(e.leadScore());
    row.setTags(e.tags().stream().sorted().toArray(String[]::new));
    row.setOptInEmail(e.optIns().email());
    row.setOptInSms(e.optIns().sms());
    row.setOptInCall(e.optIns().call());
    row.setCustomFields(Json.jsonb(e.customFields()));
    row.setArchived(false);
    row.setActivityCount(0);
    row.setCreatedAt(Times.utc(e.at()));
    row.setUpdatedAt(Times.utc(e.at()));
    inserts.add(row);
    changed(e.tenantId(), row.getId());
  }

  @EventHandler
  void on(ContactDetailsUpdated e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    if (e.firstName() != null) {
      changes.put(CONTACT.FIRST_NAME, e.firstName());
    }
    if (e.lastName() != null) {
      changes.put(CONTACT.LAST_NAME, e.lastName());
    }
    if (e.firstName() != null || e.lastName() != null) {
      changes.put(
          CONTACT.SORT_NAME,
          SortKeys.personName(
              e.lastName() == null ? CONTACT.LAST_NAME : val(e.lastName(), String.class),
              e.firstName() == null ? CONTACT.FIRST_NAME : val(e.firstName(), String.class)));
    }
    if (e.primaryEmail() != null) {
      changes.put(CONTACT.EMAIL, e.primaryEmail());
    }
    if (e.otherEmails() != null) {
      changes.put(CONTACT.OTHER_EMAILS, e.otherEmails().toArray(String[]::new));
    }
    if (e.phones() != null) {
      changes.put(CONTACT.PHONES, e.phones().toArray(String[]::new));
    }
    if (e.ownerId() != null) {
      changes.put(CONTACT.OWNER_ID, e.ownerId());
    }
    if (e.leadScore() != null) {
      changes.put(CONTACT.LEAD_SCORE, e.leadScore());
    }
    if (e.optIns() != null) {
      changes.put(CONTACT.OPT_IN_EMAIL, e.optIns().email());
      changes.put(CONTACT.OPT_IN_SMS, e.optIns().sms());
      changes.put(CONTACT.OPT_IN_CALL, e.optIns().call());
    }
    if (e.customFields() != null) {
      changes.put(CONTACT.CUSTOM_FIELDS, Json.jsonb(e.customFields()));
    }
    update(e.tenantId(), e.contactId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(LifecycleStageChanged e, @SequenceNumber long seq) {
    update(
        e.tenantId(), e.contactId(), seq, e.at(), Map.of(CONTACT.LIFECYCLE_STAGE, e.to().name()));
  }

  @EventHandler
  void on(ContactTagsAdded e, @SequenceNumber long seq) {
    Field<String[]> merged =
        field(
            "array(select distinct t from unnest({0} || {1}) as t order by t)",
            String[].class, CONTACT.TAGS, val(e.tags().toArray(String[]::new)));
    update(e.tenantId(), e.contactId(), seq, e.at(), Map.of(CONTACT.TAGS, merged));
  }

  @EventHandler
  void on(ContactTagsRemoved e, @SequenceNumber long seq) {
    Field<String[]> remaining =
        field(
            "array(select t from unnest({0}) as t where t <> all({1}) order by t)",
            String[].class, CONTACT.TAGS, val(e.tags().toArray(String[]::new)));
    update(e.tenantId(), e.contactId(), seq, e.at(), Map.of(CONTACT.TAGS, remaining));
  }

  @EventHandler
  void on(ContactLinkedToCompany e, @SequenceNumber long seq) {
    update(
        e.tenantId(),
        e.contactId(),
        seq,
        e.at(),
        Map.of(CONTACT.COMPANY_ID, UUID.fromString(e.companyId())));
  }

  @EventHandler
  void on(ContactUnlinkedFromCompany e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    changes.put(CONTACT.COMPANY_ID, null);
    update(e.tenantId(), e.contactId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(ContactArchived e, @SequenceNumber long seq) {
    update(e.tenantId(), e.contactId(), seq, e.at(), Map.of(CONTACT.ARCHIVED, true));
  }

  @EventHandler
  void on(ContactRestored e, @SequenceNumber long seq) {
    update(e.tenantId(), e.contactId(), seq, e.at(), Map.of(CONTACT.ARCHIVED, false));
  }

  /**
   * An activity counts on its contact's row; a rebuild queues these updates for one batch (and
   * collects no changed contacts: it builds saved segments after the switch).
   */
  @EventHandler
  void on(ActivityLogged e, @SequenceNumber long seq) {
    OffsetDateTime occurred = Times.utc(e.occurredAt());
    if (activities == null) {
      update(
          e.tenantId(),
          e.contactId(),
          seq,
          e.at(),
          activityChanges(val(occurred, CONTACT.LAST_ACTIVITY_AT)));
      return;
    }
    inserts.flush();
    activities.add(
        Map.of(
            "tenant", UUID.fromString(e.tenantId()),
            "id", UUID.fromString(e.contactId()),
            "seq", seq,
            "at", Times.utc(e.at()),
            "occurred", occurred));
  }

  /**
   * Activities are logged in any order of occurrence (back-dated ones are normal), so the last
   * activity is the latest occurredAt seen, not the last one logged.
   */
  private static Map<Field<?>, Object> activityChanges(Field<OffsetDateTime> occurred) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    changes.put(
        CONTACT.LAST_ACTIVITY_AT,
        DSL.greatest(DSL.coalesce(CONTACT.LAST_ACTIVITY_AT, occurred), occurred));
    changes.put(CONTACT.ACTIVITY_COUNT, CONTACT.ACTIVITY_COUNT.plus(1));
    return changes;
  }

  /** Applies the changes only if this event is newer than the row: replays are no-ops. */
  private void update(
      String tenantId, String contactId, long seq, Instant at, Map<Field<?>, Object> changes) {
    inserts.flush();
    if (activities != null) {
      activities.flush();
    }
    VersionGuard.update(
        db,
        row(
            CONTACT
                .TENANT_ID
                .eq(UUID.fromString(tenantId))
                .and(CONTACT.ID.eq(UUID.fromString(contactId)))),
        seq,
        at,
        changes);
    changed(tenantId, UUID.fromString(contactId));
  }

  private void changed(String tenantId, UUID contact) {
    if (changed != null) {
      changed.add(tenantId, contact);
    }
  }

  private static VersionGuard.Row row(Condition key) {
    return new VersionGuard.Row(CONTACT, key, CONTACT.VERSION, CONTACT.UPDATED_AT);
  }

  private static UUID uuid(String id) {
    return id == null ? null : UUID.fromString(id);
  }
}
