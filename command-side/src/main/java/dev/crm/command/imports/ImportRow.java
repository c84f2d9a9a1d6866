package dev.crm.command.imports;

import dev.crm.domain.contact.LifecycleStage;
import dev.crm.domain.contact.OptIns;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One file line turned into contact fields, or the reason it could not be. */
public sealed interface ImportRow {
  /** The file line the row starts on (1 = the first line, a CSV header included). */
  long line();

  record Valid(
      long line,
      String firstName,
      String lastName,
      String email,
      List<String> emails,
      List<String> phones,
      String companyId,
      String ownerId,
      LifecycleStage lifecycleStage,
      Integer leadScore,
      Set<String> tags,
      OptIns optIns,
      Map<String, String> customFields)
      implements ImportRow {}

  record Invalid(long line, String field, String reason) implements ImportRow {}
}
