package dev.crm.query.customfield;

import java.util.List;

/** Typed queries on the custom field definitions read model and the views they answer with. */
public final class CustomFieldQueries {
  private CustomFieldQueries() {}

  /** The fields in use for an object type ({@code contact}), by key; removed ones are left out. */
  public record ListCustomFieldDefinitions(String tenantId, String objectType) {}

  /** One field in use; a removed field is not found. */
  public record FindCustomFieldDefinition(String tenantId, String objectType, String key) {}

  /**
   * One field definition. {@code type} is the type's name as stored ({@code MULTI_SELECT}); {@code
   * version} is the tenant's schema version when the field last changed.
   */
  public record CustomFieldDefinitionView(
      String key,
      long version,
      String label,
      String type,
      boolean required,
      List<String> options,
      String currency) {
    public CustomFieldDefinitionView {
      options = List.copyOf(options);
    }
  }

  /** The definitions of one object type. */
  public record CustomFieldDefinitionList(List<CustomFieldDefinitionView> items) {
    public CustomFieldDefinitionList {
      items = List.copyOf(items);
    }
  }
}
