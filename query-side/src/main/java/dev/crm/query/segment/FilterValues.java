package dev.crm.query.segment;

import dev.crm.query.shared.InvalidQuery;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads filter values, which arrive as strings, into the types of the fields they are compared
 * with, and into the canonical strings custom field values are stored as. Every failure names the
 * filter's values in the request.
 */
final class FilterValues {
  /** A time relative to now: {@code -30d} is thirty days ago, {@code -12h} twelve hours ago. */
  private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,6})([dh])");

  /** Custom number fields hold whole numbers; a lead score is one too. */
  private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);

  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  private FilterValues() {}

  /** Whether a value is a time relative to now, so that what it selects changes as time passes. */
  static boolean isRelative(String value) {
    return value != null && RELATIVE.matcher(value.trim()).matches();
  }

  static long wholeNumber(String path, String value) {
    BigDecimal number = decimal(path, value);
    if (number.stripTrailingZeros().scale() > 0
        || number.compareTo(MIN_LONG) < 0
        || number.compareTo(MAX_LONG) > 0) {
      throw new InvalidQuery(path, "'" + value + "' is not a whole number");
    }
    return number.longValueExact();
  }

  static BigDecimal decimal(String path, String value) {
    try {
      BigDecimal number = new BigDecimal(value.trim());
      // Exponents such as 1e999999999 would make comparisons and canonical forms explode.
      if (Math.abs(number.scale()) > 100 || number.precision() > 100) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new InvalidQuery(path, "'" + value + "' is not a number");
    }
  }

  /** Decimal custom values are stored without trailing zeros and without exponent. */
  static String canonicalDecimal(BigDecimal number) {
    return number.stripTrailingZeros().toPlainString();
  }

  static boolean bool(String path, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidQuery(path, "'" + value + "' is not true or false");
    };
  }

  /**
   * A point in time: an ISO date (the start of that day in UTC), an ISO date-time (UTC unless it
   * names an offset) or a time relative to {@code now}. Read to whole microseconds, the precision
   * PostgreSQL keeps, so that the database never rounds a bound across a stored value.
   */
  static Instant instant(String path, String value, Instant now) {
    return parseInstant(path, value, now).truncatedTo(ChronoUnit.MICROS);
  }

  private static Instant parseInstant(String path, String value, Instant now) {
    String v = value.trim();
    Matcher relative = RELATIVE.matcher(v);
    if (relative.matches()) {
      long amount = Long.parseLong(relative.group(1));
      return now.minus(
          relative.group(2).equals("d") ? Duration.ofDays(amount) : Duration.ofHours(amount));
    }
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      // Not an offset date-time: a local one, read as UTC.
    }
    try {
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new InvalidQuery(
          path,
          "'"
              + value
              + "' is not an ISO date (2026-01-31), date-time (2026-01-31T09:30:00Z)"
              + " or relative time (-30d, -12h)");
    }
  }

  /**
   * A calendar day, as custom date fields store it: an ISO date or the UTC day of a relative time.
   */
  static String date(String path, String value, Instant now) {
    String v = value.trim();
    if (RELATIVE.matcher(v).matches()) {
      return LocalDate.ofInstant(instant(path, v, now), ZoneOffset.UTC).toString();
    }
    try {
      return LocalDate.parse(v).toString();
    } catch (DateTimeParseException e) {
      throw new InvalidQuery(
          path, "'" + value + "' is not an ISO date (2026-01-31) or relative time (-30d)");
    }
  }

  /** A date-time as custom date-time fields store it: UTC, whole seconds, ISO-8601. */
  static String canonicalDateTime(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
