package dev.crm.domain.shared;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Field rules shared by the aggregates. Each constant names a rule and why it exists. */
public final class Fields {
  /** Names, domains and other short texts fit one line of a form and one index entry. */
  public static final int MAX_TEXT = 200;

  /** Descriptions are free text, but bounded so one event stays small. */
  public static final int MAX_LONG_TEXT = 5000;

  /** Tags are facets in lists and search; a handful per contact keeps facets meaningful. */
  public static final int MAX_TAGS = 50;

  /** Custom field keys are JSON keys in filters and column names in imports: plain identifiers. */
  private static final Pattern CUSTOM_FIELD_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** Pragmatic email shape: one @, no spaces, a dot in the domain. Delivery proves the rest. */
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");

  private Fields() {}

  public static String requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidField(field, "is required");
    }
    return optionalText(field, value, MAX_TEXT);
  }

  public static String optionalText(String field, String value) {
    return optionalText(field, value, MAX_TEXT);
  }

  public static String optionalText(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidField(field, "must be at most " + max + " characters");
    }
    return value;
  }

  public static String requireEmail(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidField(field, "is required");
    }
    return optionalEmail(field, value);
  }

  /** Emails are compared case-insensitively, so they are stored lower-cased. */
  public static String optionalEmail(String field, String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) {
      throw new InvalidField(field, "is not a valid email address");
    }
    return trimmed.toLowerCase(java.util.Locale.ROOT);
  }

  public static List<String> emails(String field, List<String> values) {
    if (values == null) {
      return null;
    }
    return values.stream().map(v -> requireEmail(field, v)).distinct().toList();
  }

  public static Set<String> tags(String field, Set<String> values) {
    if (values == null) {
      return null;
    }
    if (values.size() > MAX_TAGS) {
      throw new InvalidField(field, "must hold at most " + MAX_TAGS + " tags");
    }
    for (String tag : values) {
      if (tag == null || tag.isBlank() || tag.length() > 64) {
        throw new InvalidField(field, "tags must be 1 to 64 characters");
      }
    }
    return Set.copyOf(values);
  }

  /** Whether {@code key} may name a custom field: a letter, then letters, digits or _. */
  public static boolean isCustomFieldKey(String key) {
    return key != null && CUSTOM_FIELD_KEY.matcher(key).matches();
  }

  public static String requireCustomFieldKey(String field, String key) {
    if (!isCustomFieldKey(key)) {
      throw new InvalidField(field, "must match [A-Za-z][A-Za-z0-9_]{0,63}");
    }
    return key;
  }

  public static Integer nonNegative(String field, Integer value) {
    if (value != null && value < 0) {
      throw new InvalidField(field, "must not be negative");
    }
    return value;
  }
}
