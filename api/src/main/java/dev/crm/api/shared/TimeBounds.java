package dev.crm.api.shared;

import dev.crm.query.shared.InvalidQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Time bounds in query parameters, as every endpoint that takes them reads them. */
public final class TimeBounds {
  private TimeBounds() {}

  /** A time bound: an ISO-8601 date-time with offset, or a date meaning its start in UTC. */
  public static Instant instant(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException notDateTime) {
      try {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        throw new InvalidQuery(
            parameter, "must be a date-time such as 2025-03-01T00:00:00Z, or a date");
      }
    }
  }
}
