package dev.crm.domain.customfield;

import java.util.List;

/**
 * One custom field as the tenant defined it. {@code options} is empty unless the type takes
 * options; {@code currency} is set only for {@link CustomFieldType#CURRENCY}.
 */
public record CustomFieldDefinition(
    String key,
    String label,
    CustomFieldType type,
    boolean required,
    List<String> options,
    String currency) {
  public CustomFieldDefinition {
    options = options == null ? List.of() : List.copyOf(options);
  }
}
