package dev.crm.projections.timeline;

import static dev.crm.db.jooq.Tables.CONTACT_ACTIVITY;

import dev.crm.domain.contact.ContactEvent.ActivityLogged;
import dev.crm.projections.shared.MonthlyPartitions;
import java.time.ZoneOffset;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The activity timeline: one CONTACT_ACTIVITY row per logged activity, in the partition of the
 * month it occurred in. Rows are only ever inserted, keyed by the activity id, so a redelivered or
 * replayed event finds its row and changes nothing.
 */
@Component
@ProcessingGroup(ContactTimelineProjection.GROUP)
public class ContactTimelineProjection {
  public static final String GROUP = "contact-timeline";

  private final DSLContext db;
  private final MonthlyPartitions partitions;

  public ContactTimelineProjection(DSLContext db, MonthlyPartitions partitions) {
    this.db = db;
    this.partitions = partitions;
  }

  @EventHandler
  void on(ActivityLogged e) {
    // Back-dated activities are normal: their month may be older than the maintained range.
    partitions.ensure(MonthlyPartitions.CONTACT_ACTIVITIES, e.occurredAt());
    db.insertInto(CONTACT_ACTIVITY)
        .set(CONTACT_ACTIVITY.TENANT_ID, UUID.fromString(e.tenantId()))
        .set(CONTACT_ACTIVITY.CONTACT_ID, UUID.fromString(e.contactId()))
        .set(CONTACT_ACTIVITY.ID, UUID.fromString(e.activityId()))
        .set(CONTACT_ACTIVITY.TYPE, e.type().name())
        .set(CONTACT_ACTIVITY.OCCURRED_AT, e.occurredAt().atOffset(ZoneOffset.UTC))
        .set(CONTACT_ACTIVITY.ACTOR_ID, e.actorId())
        .set(CONTACT_ACTIVITY.SUBJECT, e.subject())
        .set(CONTACT_ACTIVITY.BODY, e.body())
        .set(CONTACT_ACTIVITY.OUTCOME, e.outcome())
        .set(CONTACT_ACTIVITY.RECORDED_AT, e.at().atOffset(ZoneOffset.UTC))
        .onConflictDoNothing()
        .execute();
  }
}
