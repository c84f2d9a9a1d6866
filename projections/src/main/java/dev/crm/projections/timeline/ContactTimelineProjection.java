package dev.crm.projections.timeline;

import static dev.crm.db.jooq.Tables.CONTACT_ACTIVITY;

import dev.crm.db.jooq.tables.records.ContactActivityRecord;
import dev.crm.domain.contact.ContactEvent.ActivityLogged;
import dev.crm.projections.shared.BatchedInserts;
import dev.crm.projections.shared.MonthlyPartitions;
import dev.crm.projections.shared.Times;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The activity timeline: one CONTACT_ACTIVITY row per logged activity, in the partition of the
 * month it occurred in. Rows are only ever inserted, keyed by the activity id, so a redelivered or
 * replayed event finds its row and changes nothing.
 *
 * <p>A batch's rows are written together when its unit of work commits, after every handler made
 * sure its month's partition exists. A month attached after the batch's transaction first wrote to
 * the table would be unseen by that transaction (PostgreSQL keeps the partition list a
 * transaction's lock was taken with), so the row went to the default partition and was refused
 * there, failing the batch: back-dated activities did that whenever they reached a new month.
 */
@Component
@ProcessingGroup(ContactTimelineProjection.GROUP)
public class ContactTimelineProjection {
  public static final String GROUP = "contact-timeline";

  private final MonthlyPartitions partitions;
  private final BatchedInserts<ContactActivityRecord> inserts;

  public ContactTimelineProjection(DSLContext db, MonthlyPartitions partitions) {
    this.partitions = partitions;
    this.inserts = new BatchedInserts<>(db, CONTACT_ACTIVITY);
  }

  @EventHandler
  void on(ActivityLogged e) {
    // Back-dated activities are normal: their month may be older than the maintained range.
    partitions.ensure(MonthlyPartitions.CONTACT_ACTIVITIES, e.occurredAt());
    inserts.add(
        new ContactActivityRecord(
            UUID.fromString(e.tenantId()),
            UUID.fromString(e.contactId()),
            UUID.fromString(e.activityId()),
            e.type().name(),
            Times.utc(e.occurredAt()),
            e.actorId(),
            e.subject(),
            e.body(),
            e.outcome(),
            Times.utc(e.at())));
  }
}
