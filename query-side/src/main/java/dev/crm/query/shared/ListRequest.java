package dev.crm.query.shared;

/**
 * How a list is ordered and where the page starts. {@code cursor} is the opaque {@code nextCursor}
 * of the previous page, or {@code null} for the first page.
 */
public record ListRequest(Sort sort, boolean descending, String cursor, int limit) {
  /** The largest page a client can ask for: bounded work per request. */
  public static final int MAX_LIMIT = 200;

  public static final int DEFAULT_LIMIT = 50;

  public enum Sort {
    CREATED,
    UPDATED,
    NAME
  }

  public ListRequest {
    if (sort == null) {
      sort = Sort.CREATED;
    }
    limit = pageSize(limit);
  }

  /** The page size for a requested limit: {@link #DEFAULT_LIMIT} if none, else at most the max. */
  public static int pageSize(int limit) {
    if (limit <= 0) {
      return DEFAULT_LIMIT;
    }
    if (limit > MAX_LIMIT) {
      throw new InvalidQuery("limit", "must be at most " + MAX_LIMIT);
    }
    return limit;
  }

  /** The keyset position of this request; its order is the sort's name. */
  public Keyset.Request keyset() {
    return new Keyset.Request(sort.name(), descending, cursor, limit);
  }
}
