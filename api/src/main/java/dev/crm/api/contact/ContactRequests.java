package dev.crm.api.contact;

import dev.crm.domain.contact.LifecycleStage;
import dev.crm.domain.contact.OptIns;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON bodies of the contact endpoints. The domain re-checks every rule; these name all fields at
 * once.
 */
final class ContactRequests {
  private ContactRequests() {}

  record CreateContactRequest(
      @Size(max = 200) String firstName,
      @Size(max = 200) String lastName,
      @NotBlank @Email @Size(max = 254) String email,
      List<@Email String> emails,
      List<@NotBlank @Size(max = 40) String> phones,
      String companyId,
      @Size(max = 200) String ownerId,
      LifecycleStage lifecycleStage,
      @Min(0) @Max(1000) Integer leadScore,
      @Size(max = 50) Set<@NotBlank @Size(max = 64) String> tags,
      OptIns optIns,
      Map<String, String> customFields) {}

  record UpdateContactRequest(
      @Size(max = 200) String firstName,
      @Size(max = 200) String lastName,
      @Email @Size(max = 254) String email,
      List<@Email String> emails,
      List<@NotBlank @Size(max = 40) String> phones,
      @Size(max = 200) String ownerId,
      @Min(0) @Max(1000) Integer leadScore,
      OptIns optIns,
      Map<String, String> customFields) {}

  record ChangeStageRequest(@NotNull LifecycleStage lifecycleStage) {}

  record TagsRequest(@NotEmpty Set<@NotBlank @Size(max = 64) String> tags) {}

  record CompanyLinkRequest(@NotBlank String companyId) {}
}
