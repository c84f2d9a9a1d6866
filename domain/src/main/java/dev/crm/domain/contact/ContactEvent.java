package dev.crm.domain.contact;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.serialization.Revision;

/** Everything that happens to a contact. Events carry facts and only immutable collections. */
public sealed interface ContactEvent {
  String contactId();

  String tenantId();

  Instant at();

  @Revision("1")
  record ContactCreated(
      String contactId,
      String tenantId,
      String firstName,
      String lastName,
      String primaryEmail,
      List<String> otherEmails,
      List<String> phones,
      String companyId,
      String ownerId,
      LifecycleStage lifecycleStage,
      int leadScore,
      Set<String> tags,
      OptIns optIns,
      Map<String, String> customFields,
      Instant at)
      implements ContactEvent {
    public ContactCreated {
      otherEmails = List.copyOf(otherEmails);
      phones = List.copyOf(phones);
      tags = Set.copyOf(tags);
      customFields = Map.copyOf(customFields);
    }
  }

  /** Only the changed fields are set; {@code null} means unchanged. */
  @Revision("1")
  record ContactDetailsUpdated(
      String contactId,
      String tenantId,
      String firstName,
      String lastName,
      String primaryEmail,
      List<String> otherEmails,
      List<String> phones,
      String ownerId,
      Integer leadScore,
      OptIns optIns,
      Map<String, String> customFields,
      Instant at)
      implements ContactEvent {
    public ContactDetailsUpdated {
      otherEmails = otherEmails == null ? null : List.copyOf(otherEmails);
      phones = phones == null ? null : List.copyOf(phones);
      customFields = customFields == null ? null : Map.copyOf(customFields);
    }
  }

  @Revision("1")
  record LifecycleStageChanged(
      String contactId, String tenantId, LifecycleStage from, LifecycleStage to, Instant at)
      implements ContactEvent {}

  @Revision("1")
  record ContactTagsAdded(String contactId, String tenantId, Set<String> tags, Instant at)
      implements ContactEvent {
    public ContactTagsAdded {
      tags = Set.copyOf(tags);
    }
  }

  @Revision("1")
  record ContactTagsRemoved(String contactId, String tenantId, Set<String> tags, Instant at)
      implements ContactEvent {
    public ContactTagsRemoved {
      tags = Set.copyOf(tags);
    }
  }

  @Revision("1")
  record ContactLinkedToCompany(String contactId, String tenantId, String companyId, Instant at)
      implements ContactEvent {}

  @Revision("1")
  record ContactUnlinkedFromCompany(String contactId, String tenantId, String companyId, Instant at)
      implements ContactEvent {}

  @Revision("1")
  record ContactArchived(String contactId, String tenantId, Instant at) implements ContactEvent {}

  @Revision("1")
  record ContactRestored(String contactId, String tenantId, Instant at) implements ContactEvent {}

  /** An activity was logged on the contact; {@code at} is when, {@code occurredAt} when it was. */
  @Revision("1")
  record ActivityLogged(
      String contactId,
      String tenantId,
      String activityId,
      ActivityType type,
      Instant occurredAt,
      String actorId,
      String subject,
      String body,
      String outcome,
      Instant at)
      implements ContactEvent {}
}
