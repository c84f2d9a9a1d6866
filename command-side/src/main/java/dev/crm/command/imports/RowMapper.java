package dev.crm.command.imports;

import dev.crm.domain.contact.LifecycleStage;
import dev.crm.domain.contact.OptIns;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one source row (column → text) into contact fields with the domain's own field rules, so a
 * row the aggregate would refuse is reported with its line instead of failing a batch. Custom
 * values are checked later, per batch, against the tenant's field definitions ({@link
 * ImportBatchWriter}), because whether a required field must be present depends on whether the row
 * creates or updates a contact.
 */
final class RowMapper {
  /** Values of list fields in a CSV cell: {@code a;b;c}. */
  private static final String LIST_SEPARATOR = ";";

  /** The contact aggregate's own bound on lead scores. */
  private static final int MAX_LEAD_SCORE = 1000;

  private final ImportOptions options;

  RowMapper(ImportOptions options) {
    this.options = options;
  }

  ImportRow map(long line, Map<String, String> source) {
    Map<String, String> fields = new HashMap<>();
    Map<String, String> custom = new HashMap<>();
    for (Map.Entry<String, String> cell : source.entrySet()) {
      String target = options.target(cell.getKey());
      String value = cell.getValue() == null ? "" : cell.getValue().trim();
      if (target == null || value.isEmpty()) {
        continue;
      }
      if (target.startsWith(ImportOptions.CUSTOM_PREFIX)) {
        String key = target.substring(ImportOptions.CUSTOM_PREFIX.length());
        if (!options.allowsCustomField(key)) {
          return new ImportRow.Invalid(
              line,
              target,
              "unknown custom field '" + key + "': not in this import's customFields");
        }
        custom.put(key, value);
      } else {
        fields.put(target, value);
      }
    }
    try {
      return new ImportRow.Valid(
          line,
          Fields.optionalText("firstName", fields.get("firstName")),
          Fields.optionalText("lastName", fields.get("lastName")),
          Fields.requireEmail("email", fields.get("email")),
          Fields.emails("emails", list(fields.get("emails"))),
          phones(list(fields.get("phones"))),
          companyId(fields.get("companyId")),
          Fields.optionalText("ownerId", fields.get("ownerId")),
          stage(fields.get("lifecycleStage")),
          leadScore(fields.get("leadScore")),
          Fields.tags("tags", set(fields.get("tags"))),
          new OptIns(
              flag("optInEmail", fields.get("optInEmail")),
              flag("optInSms", fields.get("optInSms")),
              flag("optInCall", fields.get("optInCall"))),
          Map.copyOf(custom));
    } catch (InvalidField e) {
      return new ImportRow.Invalid(line, e.field(), e.reason());
    }
  }

  private static List<String> list(String cell) {
    if (cell == null) {
      return List.of();
    }
    return Arrays.stream(cell.split(LIST_SEPARATOR))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static Set<String> set(String cell) {
    return new LinkedHashSet<>(list(cell));
  }

  private static List<String> phones(List<String> phones) {
    for (String phone : phones) {
      Fields.optionalText("phones", phone, 40);
    }
    return phones;
  }

  private static String companyId(String value) {
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value).toString();
    } catch (IllegalArgumentException e) {
      throw new InvalidField("companyId", "is not a valid id");
    }
  }

  private static LifecycleStage stage(String value) {
    if (value == null) {
      return null;
    }
    try {
      return LifecycleStage.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidField("lifecycleStage", "'" + value + "' is not a lifecycle stage");
    }
  }

  private static Integer leadScore(String value) {
    if (value == null) {
      return null;
    }
    int score;
    try {
      score = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidField("leadScore", "is not a whole number");
    }
    if (score < 0 || score > MAX_LEAD_SCORE) {
      throw new InvalidField("leadScore", "must be between 0 and " + MAX_LEAD_SCORE);
    }
    return score;
  }

  private static boolean flag(String field, String value) {
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "y" -> true;
      case "false", "no", "0", "n" -> false;
      default -> throw new InvalidField(field, "must be true or false");
    };
  }
}
