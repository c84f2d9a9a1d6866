package dev.crm.domain.contact;

import dev.crm.domain.customfield.CustomFieldDefinition;
import dev.crm.domain.customfield.CustomFieldRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The custom field schemas port held in a map of tenant to definitions, for aggregate tests. */
final class InMemoryCustomFieldSchemas implements CustomFieldSchemas {
  private final Map<String, List<CustomFieldDefinition>> byTenant = new HashMap<>();

  InMemoryCustomFieldSchemas define(String tenantId, CustomFieldDefinition definition) {
    byTenant.computeIfAbsent(tenantId, t -> new ArrayList<>()).add(definition);
    return this;
  }

  @Override
  public CustomFieldRules contactRules(String tenantId) {
    return CustomFieldRules.of(byTenant.getOrDefault(tenantId, List.of()));
  }
}
