package dev.crm.domain.customfield;

import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldChanged;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldDefined;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldRemoved;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The custom fields a tenant has defined for one object type, as rules for values. {@link
 * #canonical} checks a record's values and answers them in canonical form: one text per value, the
 * same whatever way the value was written, so that filters and segments compare stored values with
 * plain equality and ordering.
 *
 * <p>Canonical forms: text types trimmed; NUMBER as {@link Long#toString}; DECIMAL and CURRENCY as
 * {@code BigDecimal.stripTrailingZeros().toPlainString()}; DATE {@code yyyy-MM-dd}; DATETIME the
 * UTC instant to the second ({@code 2026-01-02T01:04:05Z}); BOOLEAN {@code true}/{@code false};
 * DROPDOWN the option; MULTI_SELECT the chosen options, {@code ;}-separated in the definition's
 * order. A blank value means "no value" and is left out.
 */
public final class CustomFieldRules {
  /** No field defined: every custom value is refused. */
  public static final CustomFieldRules NONE = new CustomFieldRules(Map.of());

  /** A TEXT value fits one line of a form. */
  static final int MAX_TEXT = 255;

  /** A TEXTAREA value is free text, bounded so that one event stays small. */
  static final int MAX_TEXTAREA = 10_000;

  /** A phone number is free text (extensions, notes) but fits one line, as on the contact. */
  static final int MAX_PHONE = 40;

  /** Browsers and servers commonly refuse longer URLs. */
  static final int MAX_URL = 2048;

  /** Decimals fit PostgreSQL's NUMERIC(38) precision, which filters cast them to. */
  static final int MAX_DIGITS = 38;

  /** MULTI_SELECT values list their options separated by this character. */
  public static final String OPTION_SEPARATOR = ";";

  private final Map<String, CustomFieldDefinition> fields;

  private CustomFieldRules(Map<String, CustomFieldDefinition> fields) {
    this.fields = fields;
  }

  public static CustomFieldRules of(Collection<CustomFieldDefinition> definitions) {
    Map<String, CustomFieldDefinition> byKey = new TreeMap<>();
    definitions.forEach(d -> byKey.put(d.key(), d));
    return new CustomFieldRules(java.util.Collections.unmodifiableMap(byKey));
  }

  /** The rules after the schema's events, oldest first; other payloads are ignored. */
  public static CustomFieldRules replay(Iterable<?> events) {
    Map<String, CustomFieldDefinition> byKey = new HashMap<>();
    for (Object event : events) {
      switch (event) {
        case CustomFieldDefined d ->
            byKey.put(
                d.key(),
                new CustomFieldDefinition(
                    d.key(), d.label(), d.type(), d.required(), d.options(), d.currency()));
        case CustomFieldChanged c ->
            byKey.computeIfPresent(
                c.key(),
                (k, d) ->
                    new CustomFieldDefinition(
                        k, c.label(), d.type(), c.required(), c.options(), d.currency()));
        case CustomFieldRemoved r -> byKey.remove(r.key());
        default -> {}
      }
    }
    return of(byKey.values());
  }

  /** The defined fields, by key. */
  public Collection<CustomFieldDefinition> definitions() {
    return fields.values();
  }

  public Optional<CustomFieldDefinition> definition(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /**
   * Checks a record's whole set of custom values (as given on create, or as the replacement on an
   * update) and answers them in canonical form; blank values are left out. Refuses keys that are
   * not defined and required fields without a value, naming {@code customFields.<key>}.
   */
  public Map<String, String> canonical(Map<String, String> values) {
    Map<String, String> result = new LinkedHashMap<>();
    if (values != null) {
      for (Map.Entry<String, String> entry : values.entrySet()) {
        String key = entry.getKey();
        CustomFieldDefinition definition = key == null ? null : fields.get(key);
        if (definition == null) {
          throw new InvalidField(
              "customFields" + (key == null ? "" : "." + key),
              "unknown custom field; define it before giving it a value");
        }
        String value = canonicalValue(definition, entry.getValue());
        if (value != null) {
          result.put(key, value);
        }
      }
    }
    for (CustomFieldDefinition definition : fields.values()) {
      if (definition.required() && !result.containsKey(definition.key())) {
        throw new InvalidField("customFields." + definition.key(), "is required");
      }
    }
    return Map.copyOf(result);
  }

  /**
   * The canonical text of one value of a field, or {@code null} when the value is blank (no value).
   */
  public static String canonicalValue(CustomFieldDefinition definition, String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String field = "customFields." + definition.key();
    String value = raw.strip();
    return switch (definition.type()) {
      case TEXT -> bounded(field, value, MAX_TEXT);
      case TEXTAREA -> bounded(field, value, MAX_TEXTAREA);
      case PHONE -> bounded(field, value, MAX_PHONE);
      case URL -> url(field, value);
      case EMAIL -> email(field, value);
      case NUMBER -> number(field, value);
      case DECIMAL, CURRENCY -> decimal(field, value);
      case DATE -> date(field, value);
      case DATETIME -> dateTime(field, value);
      case BOOLEAN -> bool(field, value);
      case DROPDOWN -> option(field, value, definition.options());
      case MULTI_SELECT -> options(field, value, definition.options());
    };
  }

  private static String bounded(String field, String value, int max) {
    if (value.length() > max) {
      throw new InvalidField(field, "must be at most " + max + " characters");
    }
    return value;
  }

  /** An absolute http or https URL with a host: something a browser can open. */
  private static String url(String field, String value) {
    bounded(field, value, MAX_URL);
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return value;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidField(field, "must be an absolute http or https URL");
  }

  /** Checked with the contacts' own email rule; kept as written, only trimmed. */
  private static String email(String field, String value) {
    Fields.optionalEmail(field, value);
    return value;
  }

  private static String number(String field, String value) {
    try {
      return Long.toString(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new InvalidField(field, "must be a whole number");
    }
  }

  private static String decimal(String field, String value) {
    BigDecimal number;
    try {
      // A digit cap on the text first: BigDecimal parsing is superlinear in the length.
      if (value.length() > 2 * MAX_DIGITS) {
        throw new NumberFormatException();
      }
      number = new BigDecimal(value).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidField(field, "must be a decimal number such as 12.50");
    }
    // Digits the plain form writes, leading "0." included; checked before writing it, as an
    // exponent such as 1e999999999 would write a billion digits.
    long digits =
        Math.max((long) number.precision() - number.scale(), 1) + Math.max(number.scale(), 0);
    if (digits > MAX_DIGITS) {
      throw new InvalidField(field, "must have at most " + MAX_DIGITS + " digits");
    }
    return number.toPlainString();
  }

  /** Years of four digits, so that canonical dates sort as text in date order. */
  private static boolean fourDigitYear(int year) {
    return year >= 1 && year <= 9999;
  }

  private static String date(String field, String value) {
    try {
      LocalDate date = LocalDate.parse(value);
      if (fourDigitYear(date.getYear())) {
        return date.toString();
      }
    } catch (DateTimeException e) {
      // reported below
    }
    throw new InvalidField(field, "must be a date as yyyy-MM-dd");
  }

  private static String dateTime(String field, String value) {
    try {
      Instant instant = OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.SECONDS);
      if (fourDigitYear(instant.atOffset(ZoneOffset.UTC).getYear())) {
        return instant.toString();
      }
    } catch (DateTimeException e) {
      // reported below
    }
    throw new InvalidField(
        field, "must be an ISO-8601 date and time with an offset, such as 2026-01-02T03:04:05Z");
  }

  private static String bool(String field, String value) {
    if (value.equalsIgnoreCase("true")) {
      return "true";
    }
    if (value.equalsIgnoreCase("false")) {
      return "false";
    }
    throw new InvalidField(field, "must be true or false");
  }

  private static String option(String field, String value, List<String> options) {
    if (!options.contains(value)) {
      throw new InvalidField(field, "must be one of the field's options");
    }
    return value;
  }

  private static String options(String field, String value, List<String> options) {
    Set<String> chosen = new LinkedHashSet<>();
    for (String part : value.split(OPTION_SEPARATOR, -1)) {
      String option = part.strip();
      if (option.isEmpty()) {
        continue;
      }
      if (!options.contains(option)) {
        throw new InvalidField(field, "'" + option + "' is not one of the field's options");
      }
      chosen.add(option);
    }
    if (chosen.isEmpty()) {
      return null;
    }
    return String.join(OPTION_SEPARATOR, options.stream().filter(chosen::contains).toList());
  }
}
