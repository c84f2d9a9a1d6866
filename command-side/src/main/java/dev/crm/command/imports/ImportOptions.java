package dev.crm.command.imports;

import dev.crm.domain.shared.InvalidField;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How to read an import file: its format, which source column (CSV header or JSONL key) feeds which
 * contact field, optionally which custom fields may appear, and what to do when a row's primary
 * email already belongs to a contact. Custom values must follow the tenant's field definitions
 * whether or not {@code customFields} lists them; the list only narrows what this import may set.
 *
 * <p>Target fields: {@code firstName, lastName, email, emails, phones, companyId, ownerId,
 * lifecycleStage, leadScore, tags, optInEmail, optInSms, optInCall} and {@code customFields.<key>}.
 * List fields take {@code ;}-separated values in CSV. Without a mapping, a column feeds the field
 * of the same name.
 */
public record ImportOptions(
    Format format, Dedupe dedupe, Map<String, String> mapping, Set<String> customFields) {

  /** Targets a column may feed, besides {@code customFields.<key>}. */
  public static final Set<String> FIELDS =
      Set.of(
          "firstName",
          "lastName",
          "email",
          "emails",
          "phones",
          "companyId",
          "ownerId",
          "lifecycleStage",
          "leadScore",
          "tags",
          "optInEmail",
          "optInSms",
          "optInCall");

  public static final String CUSTOM_PREFIX = "customFields.";

  public enum Format {
    CSV,
    JSONL;

    public String dbName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a row whose primary email already belongs to a contact of the tenant does. */
  public enum Dedupe {
    /** Leave the existing contact alone; the row is reported as skipped. */
    SKIP,
    /** Apply the row's details to the existing contact. */
    UPDATE,
    /** Try to create anyway; the uniqueness rule rejects the row, which is reported. */
    CREATE
  }

  public ImportOptions {
    if (format == null) {
      throw new InvalidField("format", "is required: csv or jsonl");
    }
    dedupe = dedupe == null ? Dedupe.SKIP : dedupe;
    mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
    customFields = customFields == null ? Set.of() : Set.copyOf(customFields);
    mapping.forEach(
        (source, target) -> {
          if (!FIELDS.contains(target) && !target.startsWith(CUSTOM_PREFIX)) {
            throw new InvalidField("mapping." + source, "'" + target + "' is not a contact field");
          }
        });
  }

  /** Whether this import may set the custom field {@code key}: any, unless a list names them. */
  public boolean allowsCustomField(String key) {
    return customFields.isEmpty() || customFields.contains(key);
  }

  /** The contact field a source column feeds, or {@code null} if the column is not imported. */
  public String target(String column) {
    String mapped = mapping.get(column);
    if (mapped != null) {
      return mapped;
    }
    if (!mapping.isEmpty()) {
      return null;
    }
    return FIELDS.contains(column) || column.startsWith(CUSTOM_PREFIX) ? column : null;
  }
}
