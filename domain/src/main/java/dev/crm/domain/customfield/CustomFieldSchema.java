package dev.crm.domain.customfield;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.crm.domain.customfield.CustomFieldCommands.ChangeCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.DefineCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.RemoveCustomField;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldChanged;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldDefined;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldRemoved;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import dev.crm.domain.shared.TenantGuard;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.CreationPolicy;

/**
 * A tenant's contact field definitions: one aggregate per tenant and object type, so that the rules
 * spanning fields (a key is defined once, at most {@link #MAX_FIELDS} fields) hold. The tenant's
 * first definition creates it. Contacts read it through the {@code CustomFieldSchemas} port, never
 * through its repository, so they do not wait for its lock.
 */
public class CustomFieldSchema {
  static final String TYPE = "custom field schema";
  static final String FIELD = "custom field";

  /** The object type whose fields this schema defines; only contacts have custom fields yet. */
  public static final String CONTACT = "contact";

  /** Bounds a tenant's form and each contact's stored values, and keeps filter lists usable. */
  static final int MAX_FIELDS = 200;

  /** A label names the field in forms and column headers. */
  static final int MAX_LABEL = 100;

  /** A choice list stays a list one can pick from. */
  static final int MAX_OPTIONS = 200;

  static final int MAX_OPTION = 100;

  /** ISO 4217 alphabetic currency codes. */
  private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

  @AggregateIdentifier private String schemaId;
  private String tenantId;
  private LinkedHashMap<String, CustomFieldDefinition> fields = new LinkedHashMap<>();

  /** Keys removed and not defined again, with the type their stored values have. */
  private HashMap<String, CustomFieldType> removedTypes = new HashMap<>();

  protected CustomFieldSchema() {
    // for Axon, and for the first definition of a tenant
  }

  /** The aggregate id of a tenant's contact field schema. */
  public static String idOf(String tenantId) {
    return "contact-fields:" + tenantId;
  }

  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public Long handle(DefineCustomField cmd) {
    requireOwnSchema(cmd.schemaId(), cmd.tenantId());
    String key = Fields.requireCustomFieldKey("key", cmd.key());
    String label = label(cmd.label());
    if (cmd.type() == null) {
      throw new InvalidField("type", "is required");
    }
    List<String> options = options(cmd.type(), cmd.options());
    String currency = currency(cmd.type(), cmd.currency());
    if (fields.containsKey(key)) {
      throw new DuplicateCustomField(key);
    }
    requireSameTypeAsRemoved(key, cmd.type());
    if (fields.size() >= MAX_FIELDS) {
      throw new InvalidField("key", "a tenant may define at most " + MAX_FIELDS + " fields");
    }
    apply(
        new CustomFieldDefined(
            cmd.schemaId(),
            cmd.tenantId(),
            CONTACT,
            key,
            label,
            cmd.type(),
            cmd.required(),
            options,
            currency,
            cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(ChangeCustomField cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, schemaId);
    CustomFieldDefinition current = requireDefined(cmd.key());
    String label = cmd.label() == null ? current.label() : label(cmd.label());
    boolean required = Objects.requireNonNullElse(cmd.required(), current.required());
    List<String> options =
        cmd.options() == null ? current.options() : options(current.type(), cmd.options());
    if (label.equals(current.label())
        && required == current.required()
        && options.equals(current.options())) {
      return AggregateLifecycle.getVersion();
    }
    apply(
        new CustomFieldChanged(
            schemaId, tenantId, CONTACT, current.key(), label, required, options, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(RemoveCustomField cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, schemaId);
    CustomFieldDefinition current = requireDefined(cmd.key());
    apply(new CustomFieldRemoved(schemaId, tenantId, CONTACT, current.key(), cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @EventSourcingHandler
  void on(CustomFieldDefined event) {
    schemaId = event.schemaId();
    tenantId = event.tenantId();
    removedTypes.remove(event.key());
    fields.put(
        event.key(),
        new CustomFieldDefinition(
            event.key(),
            event.label(),
            event.type(),
            event.required(),
            event.options(),
            event.currency()));
  }

  @EventSourcingHandler
  void on(CustomFieldChanged event) {
    CustomFieldDefinition current = fields.get(event.key());
    fields.put(
        event.key(),
        new CustomFieldDefinition(
            event.key(),
            event.label(),
            current.type(),
            event.required(),
            event.options(),
            current.currency()));
  }

  @EventSourcingHandler
  void on(CustomFieldRemoved event) {
    CustomFieldDefinition removed = fields.remove(event.key());
    removedTypes.put(event.key(), removed.type());
  }

  /**
   * A tenant has one schema, whose id is derived from the tenant: a command for another id is
   * answered as if that schema did not exist, and so is one from another tenant.
   */
  private void requireOwnSchema(String commandSchemaId, String commandTenant) {
    if (commandTenant == null || !idOf(commandTenant).equals(commandSchemaId)) {
      throw new AggregateNotFound(TYPE, commandSchemaId);
    }
    if (tenantId != null) {
      TenantGuard.requireSameTenant(tenantId, commandTenant, TYPE, schemaId);
    }
  }

  private CustomFieldDefinition requireDefined(String key) {
    CustomFieldDefinition definition = key == null ? null : fields.get(key);
    if (definition == null) {
      throw new AggregateNotFound(FIELD, key);
    }
    return definition;
  }

  /**
   * Contacts keep the values of a removed field in their history, and segments still filter on them
   * by the field's type; a key defined again must therefore keep that type.
   */
  private void requireSameTypeAsRemoved(String key, CustomFieldType type) {
    CustomFieldType old = removedTypes.get(key);
    if (old != null && old != type) {
      throw new InvalidField(
          "type",
          "must be "
              + old.name().toLowerCase(Locale.ROOT)
              + ": contacts still hold values of the removed field '"
              + key
              + "'");
    }
  }

  /** A label is 1 to {@link #MAX_LABEL} characters, trimmed. */
  private static String label(String value) {
    String label = value == null ? "" : value.strip();
    if (label.isEmpty() || label.length() > MAX_LABEL) {
      throw new InvalidField("label", "must be 1 to " + MAX_LABEL + " characters");
    }
    return label;
  }

  /**
   * Choice fields need 1 to {@link #MAX_OPTIONS} distinct options of 1 to {@link #MAX_OPTION}
   * characters, trimmed and without {@code ;} (it separates the options of a multi-select value);
   * other fields take none.
   */
  private static List<String> options(CustomFieldType type, List<String> values) {
    if (!type.takesOptions()) {
      if (values != null && !values.isEmpty()) {
        throw new InvalidField("options", "only dropdown and multi_select fields take options");
      }
      return List.of();
    }
    if (values == null || values.isEmpty() || values.size() > MAX_OPTIONS) {
      throw new InvalidField("options", "must list 1 to " + MAX_OPTIONS + " options");
    }
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      String option = value == null ? "" : value.strip();
      if (option.isEmpty() || option.length() > MAX_OPTION) {
        throw new InvalidField("options", "each option must be 1 to " + MAX_OPTION + " characters");
      }
      if (option.contains(CustomFieldRules.OPTION_SEPARATOR)) {
        throw new InvalidField("options", "an option must not contain ';'");
      }
      if (!seen.add(option)) {
        throw new InvalidField("options", "'" + option + "' is listed twice");
      }
    }
    return values.stream().map(String::strip).toList();
  }

  /** Currency fields name their ISO 4217 currency; other fields have none. */
  private static String currency(CustomFieldType type, String value) {
    if (type != CustomFieldType.CURRENCY) {
      if (value != null) {
        throw new InvalidField("currency", "only currency fields take a currency");
      }
      return null;
    }
    if (value == null || !CURRENCY_CODE.matcher(value).matches()) {
      throw new InvalidField("currency", "must be an ISO 4217 code such as EUR");
    }
    return value;
  }
}
