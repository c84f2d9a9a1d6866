package dev.crm.query.segment;

import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.time.OffsetDateTime;
import java.util.List;

/** Typed queries of the contact filter language and of saved segments, and their answers. */
public final class SegmentQueries {
  private SegmentQueries() {}

  /** How many of the tenant's contacts the filter matches; answered with a {@link ContactCount}. */
  public record CountContactsMatching(String tenantId, SegmentFilter filter) {}

  /** One page of the contacts the filter matches, in the contact list's sorts. */
  public record ListContactsMatching(String tenantId, SegmentFilter filter, ListRequest page) {}

  /**
   * Checks that the filter is valid for this tenant (fields, operators, values, custom fields);
   * answers {@code true} or fails with the path of the first problem.
   */
  public record CheckContactFilter(String tenantId, SegmentFilter filter) {}

  /** A saved segment that is not deleted. */
  public record FindSegmentById(String tenantId, String segmentId) {}

  /**
   * How many contacts a saved segment holds now: the count the projections keep, or a live count
   * for a segment whose members are not kept (its filter reads the clock). Empty when the tenant
   * has no such segment.
   */
  public record CountSegmentContacts(String tenantId, String segmentId) {}

  /** The tenant's segments by name. */
  public record ListSegments(String tenantId, ListRequest page) {}

  public record ContactCount(long count) {}

  public record SegmentView(
      String id,
      long version,
      String name,
      SegmentFilter filter,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  /** One page of segments; {@code nextCursor} is {@code null} on the last page. */
  public record SegmentPage(List<SegmentView> items, String nextCursor) {
    public SegmentPage {
      items = List.copyOf(items);
    }

    static SegmentPage of(Page<SegmentView> page) {
      return new SegmentPage(page.items(), page.nextCursor());
    }
  }
}
