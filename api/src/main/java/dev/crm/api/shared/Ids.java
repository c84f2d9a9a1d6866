package dev.crm.api.shared;

import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import java.util.UUID;

/** Record ids are UUIDs; anything else in an id field is bad input, named by its field. */
public final class Ids {
  private Ids() {}

  public static String optional(String field, String id) {
    if (id == null) {
      return null;
    }
    try {
      return UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      throw new InvalidField(field, "is not a valid id");
    }
  }

  /** An id in a URL path that is not a UUID names no record: 404, like an unknown id. */
  public static String path(String aggregateType, String id) {
    try {
      return UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      throw new AggregateNotFound(aggregateType, id);
    }
  }
}
