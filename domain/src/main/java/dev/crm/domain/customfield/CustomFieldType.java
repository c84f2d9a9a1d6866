package dev.crm.domain.customfield;

/**
 * What a custom field holds. The type decides how a value is checked and the one canonical text it
 * is stored as, so that filters compare like with like.
 */
public enum CustomFieldType {
  TEXT,
  TEXTAREA,
  NUMBER,
  DECIMAL,
  DATE,
  DATETIME,
  BOOLEAN,
  DROPDOWN,
  MULTI_SELECT,
  URL,
  EMAIL,
  PHONE,
  CURRENCY;

  /** Only choice types have a list of options to choose from. */
  public boolean takesOptions() {
    return this == DROPDOWN || this == MULTI_SELECT;
  }
}
