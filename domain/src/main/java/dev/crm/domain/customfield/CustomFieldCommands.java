package dev.crm.domain.customfield;

import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands on a tenant's contact field schema. {@code schemaId} is {@link
 * CustomFieldSchema#idOf(String)} of the tenant; the tenant comes from the caller's credentials.
 */
public final class CustomFieldCommands {
  private CustomFieldCommands() {}

  /** Defines a new field; the tenant's first definition creates its schema. */
  public record DefineCustomField(
      @TargetAggregateIdentifier String schemaId,
      String tenantId,
      String key,
      String label,
      CustomFieldType type,
      boolean required,
      List<String> options,
      String currency,
      Instant at) {}

  /** Changes label, required flag or options; {@code null} leaves one as it is. */
  public record ChangeCustomField(
      @TargetAggregateIdentifier String schemaId,
      String tenantId,
      String key,
      String label,
      Boolean required,
      List<String> options,
      Instant at) {}

  /** Removes the field from use; values already stored stay in the contacts' history. */
  public record RemoveCustomField(
      @TargetAggregateIdentifier String schemaId, String tenantId, String key, Instant at) {}
}
