package dev.crm.query.timeline;

import static dev.crm.db.jooq.Tables.CONTACT;
import static dev.crm.db.jooq.Tables.CONTACT_ACTIVITY;

import dev.crm.query.shared.Ids;
import dev.crm.query.shared.Keyset;
import dev.crm.query.timeline.TimelineQueries.ActivityView;
import dev.crm.query.timeline.TimelineQueries.ContactTimeline;
import dev.crm.query.timeline.TimelineQueries.FindActivity;
import dev.crm.query.timeline.TimelineQueries.TimelinePage;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * Answers timeline queries from the CONTACT_ACTIVITY read table, always inside the caller's tenant.
 * A time range prunes the table to the months it covers; pages seek on (occurred_at, id) along
 * {@code contact_activity_timeline_idx}.
 */
@Component
public class TimelineQueryHandler {
  /** The timeline's one order: a cursor of any other list or order is refused. */
  static final String ORDER = "TIMELINE";

  private static final List<SelectFieldOrAsterisk> COLUMNS =
      List.of(
          CONTACT_ACTIVITY.ID,
          CONTACT_ACTIVITY.TYPE,
          CONTACT_ACTIVITY.OCCURRED_AT,
          CONTACT_ACTIVITY.ACTOR_ID,
          CONTACT_ACTIVITY.SUBJECT,
          CONTACT_ACTIVITY.BODY,
          CONTACT_ACTIVITY.OUTCOME,
          CONTACT_ACTIVITY.RECORDED_AT);

  private final DSLContext db;

  public TimelineQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public Optional<TimelinePage> handle(ContactTimeline query) {
    UUID tenant = UUID.fromString(query.tenantId());
    Optional<UUID> contact = Ids.parse(query.contactId());
    if (contact.isEmpty() || !contactExists(tenant, contact.get())) {
      return Optional.empty();
    }
    List<Condition> where = new ArrayList<>();
    where.add(CONTACT_ACTIVITY.TENANT_ID.eq(tenant));
    where.add(CONTACT_ACTIVITY.CONTACT_ID.eq(contact.get()));
    if (query.from() != null) {
      where.add(CONTACT_ACTIVITY.OCCURRED_AT.ge(query.from().atOffset(ZoneOffset.UTC)));
    }
    if (query.to() != null) {
      where.add(CONTACT_ACTIVITY.OCCURRED_AT.lt(query.to().atOffset(ZoneOffset.UTC)));
    }
    return Optional.of(
        TimelinePage.of(
            Keyset.page(
                db,
                CONTACT_ACTIVITY,
                COLUMNS,
                DSL.and(where),
                CONTACT_ACTIVITY.OCCURRED_AT,
                CONTACT_ACTIVITY.ID,
                new Keyset.Request(ORDER, true, query.cursor(), query.limit()),
                TimelineQueryHandler::view)));
  }

  @QueryHandler
  public Optional<ActivityView> handle(FindActivity query) {
    Optional<UUID> contact = Ids.parse(query.contactId());
    Optional<UUID> activity = Ids.parse(query.activityId());
    if (contact.isEmpty() || activity.isEmpty()) {
      return Optional.empty();
    }
    return db.select(COLUMNS)
        .from(CONTACT_ACTIVITY)
        .where(
            CONTACT_ACTIVITY.TENANT_ID.eq(UUID.fromString(query.tenantId())),
            CONTACT_ACTIVITY.CONTACT_ID.eq(contact.get()),
            CONTACT_ACTIVITY.ID.eq(activity.get()))
        .fetchOptional(TimelineQueryHandler::view);
  }

  /** A timeline belongs to a contact of the tenant; archived contacts keep theirs. */
  private boolean contactExists(UUID tenant, UUID contact) {
    return db.fetchExists(CONTACT, CONTACT.TENANT_ID.eq(tenant), CONTACT.ID.eq(contact));
  }

  private static ActivityView view(Record r) {
    return new ActivityView(
        r.get(CONTACT_ACTIVITY.ID).toString(),
        r.get(CONTACT_ACTIVITY.TYPE),
        r.get(CONTACT_ACTIVITY.OCCURRED_AT),
        r.get(CONTACT_ACTIVITY.ACTOR_ID),
        r.get(CONTACT_ACTIVITY.SUBJECT),
        r.get(CONTACT_ACTIVITY.BODY),
        r.get(CONTACT_ACTIVITY.OUTCOME),
        r.get(CONTACT_ACTIVITY.RECORDED_AT));
  }
}
