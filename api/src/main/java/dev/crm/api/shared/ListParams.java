package dev.crm.api.shared;

import dev.crm.query.shared.InvalidQuery;
import dev.crm.query.shared.ListRequest;
import java.util.Locale;

/** Parses the common list parameters: sort, order, cursor, limit. */
public final class ListParams {
  private ListParams() {}

  public static ListRequest of(String sort, String order, String cursor, Integer limit) {
    ListRequest.Sort s;
    try {
      s =
          sort == null
              ? ListRequest.Sort.CREATED
              : ListRequest.Sort.valueOf(sort.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidQuery("sort", "must be one of created, updated, name");
    }
    boolean descending;
    if (order == null || order.equalsIgnoreCase("asc")) {
      descending = false;
    } else if (order.equalsIgnoreCase("desc")) {
      descending = true;
    } else {
      throw new InvalidQuery("order", "must be asc or desc");
    }
    return new ListRequest(s, descending, cursor, limit(limit));
  }

  /** The requested page size, or 0 for the default; the query checks the maximum. */
  public static int limit(Integer limit) {
    if (limit != null && limit < 1) {
      throw new InvalidQuery("limit", "must be at least 1");
    }
    return limit == null ? 0 : limit;
  }

  /** Enum-valued filters are compared upper-case, as the read tables store them. */
  public static String upper(String value) {
    return value == null ? null : value.toUpperCase(Locale.ROOT);
  }
}
