package dev.crm.query.segment;

import java.util.Locale;
import java.util.Optional;

/**
 * The types a custom field definition can have, as CUSTOM_FIELD_DEFINITION names them, grouped by
 * how a filter compares their stored (canonical string) values.
 */
enum CustomFieldType {
  TEXT,
  TEXTAREA,
  URL,
  EMAIL,
  PHONE,
  DROPDOWN,
  NUMBER,
  DECIMAL,
  CURRENCY,
  DATE,
  DATETIME,
  BOOLEAN,
  MULTI_SELECT;

  static Optional<CustomFieldType> of(String stored) {
    try {
      return Optional.of(valueOf(stored.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  boolean textLike() {
    return this == TEXT || this == TEXTAREA || this == URL || this == EMAIL || this == PHONE;
  }

  boolean numeric() {
    return this == NUMBER || this == DECIMAL || this == CURRENCY;
  }
}
