package dev.crm.domain.customfield;

import dev.crm.domain.shared.DomainException;

/** The tenant already has a field with this key. */
public final class DuplicateCustomField extends DomainException {
  private final String key;

  public DuplicateCustomField(String key) {
    super("a custom field with the key '" + key + "' is already defined");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
