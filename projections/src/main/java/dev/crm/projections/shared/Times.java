package dev.crm.projections.shared;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Event times as the read tables store them. */
public final class Times {
  private Times() {}

  /**
   * The instant at UTC, rounded half up to the microsecond, all PostgreSQL keeps of it. Left with
   * its nanoseconds, the rounding was the database's or the driver's: PostgreSQL rounds a time's
   * text half to even, the driver rounds a bound time half up, and jOOQ sends a single statement's
   * times one way and a batch's the other, so the serving processors and a rebuild stored one row
   * in about 2,000 a microsecond apart (those whose event time ended in exactly 500 ns).
   */
  public static OffsetDateTime utc(Instant instant) {
    OffsetDateTime utc = instant.atOffset(ZoneOffset.UTC);
    return utc.getNano() % 1_000 == 0 ? utc : utc.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
  }
}
