package dev.crm.query.segment;

import static dev.crm.db.jooq.Tables.CUSTOM_FIELD_DEFINITION;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/** The tenant's live (not removed) custom field definitions for contacts, read from their table. */
final class CustomFieldDefinitions {
  static final String CONTACT = "contact";

  /** A definition as a filter needs it; {@code type} is empty when this code does not know it. */
  record Definition(String key, String storedType, List<String> options) {
    java.util.Optional<CustomFieldType> type() {
      return CustomFieldType.of(storedType);
    }
  }

  private CustomFieldDefinitions() {}

  static Map<String, Definition> of(DSLContext db, UUID tenantId, Collection<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    return db
        .select(
            CUSTOM_FIELD_DEFINITION.KEY,
            CUSTOM_FIELD_DEFINITION.TYPE,
            CUSTOM_FIELD_DEFINITION.OPTIONS)
        .from(CUSTOM_FIELD_DEFINITION)
        .where(
            CUSTOM_FIELD_DEFINITION.TENANT_ID.eq(tenantId),
            CUSTOM_FIELD_DEFINITION.OBJECT_TYPE.eq(CONTACT),
            CUSTOM_FIELD_DEFINITION.KEY.in(keys),
            CUSTOM_FIELD_DEFINITION.REMOVED.isFalse())
        .fetch(r -> new Definition(r.value1(), r.value2(), List.of(r.value3())))
        .stream()
        .collect(Collectors.toMap(Definition::key, d -> d));
  }
}
