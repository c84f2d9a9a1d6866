package dev.crm.domain.customfield;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/**
 * Everything that happens to a tenant's custom field definitions. Each event names the object type
 * the field belongs to, so that read models of other object types can share the stream later.
 */
public sealed interface CustomFieldEvent {
  String schemaId();

  String tenantId();

  String objectType();

  String key();

  Instant at();

  @Revision("1")
  record CustomFieldDefined(
      String schemaId,
      String tenantId,
      String objectType,
      String key,
      String label,
      CustomFieldType type,
      boolean required,
      List<String> options,
      String currency,
      Instant at)
      implements CustomFieldEvent {
    public CustomFieldDefined {
      options = List.copyOf(options);
    }
  }

  /** The field's label, required flag and options after the change (its type never changes). */
  @Revision("1")
  record CustomFieldChanged(
      String schemaId,
      String tenantId,
      String objectType,
      String key,
      String label,
      boolean required,
      List<String> options,
      Instant at)
      implements CustomFieldEvent {
    public CustomFieldChanged {
      options = List.copyOf(options);
    }
  }

  @Revision("1")
  record CustomFieldRemoved(
      String schemaId, String tenantId, String objectType, String key, Instant at)
      implements CustomFieldEvent {}
}
