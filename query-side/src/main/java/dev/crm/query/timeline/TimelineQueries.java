package dev.crm.query.timeline;

import dev.crm.query.shared.InvalidQuery;
import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Typed queries on the activity timeline and the views they answer with. */
public final class TimelineQueries {
  private TimelineQueries() {}

  /**
   * A contact's activities, newest first (by when they occurred), in pages of {@code limit}. {@code
   * from} is inclusive and {@code to} exclusive; either may be {@code null} for no bound. Answers
   * nothing for a contact the tenant does not have.
   */
  public record ContactTimeline(
      String tenantId, String contactId, Instant from, Instant to, String cursor, int limit) {
    public ContactTimeline {
      if (from != null && to != null && !to.isAfter(from)) {
        throw new InvalidQuery("to", "must be after from");
      }
      limit = ListRequest.pageSize(limit);
    }
  }

  /** One activity of a contact; answers nothing if the tenant's contact has no such activity. */
  public record FindActivity(String tenantId, String contactId, String activityId) {}

  public record ActivityView(
      String id,
      String type,
      OffsetDateTime occurredAt,
      String actorId,
      String subject,
      String body,
      String outcome,
      OffsetDateTime recordedAt) {}

  /** One page of a timeline; {@code nextCursor} is {@code null} on the last page. */
  public record TimelinePage(List<ActivityView> items, String nextCursor) {
    public TimelinePage {
      items = List.copyOf(items);
    }

    static TimelinePage of(Page<ActivityView> page) {
      return new TimelinePage(page.items(), page.nextCursor());
    }
  }
}
