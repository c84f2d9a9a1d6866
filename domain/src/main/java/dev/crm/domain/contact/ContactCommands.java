package dev.crm.domain.contact;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/**
 * Commands for the contact aggregate. Each names its tenant (taken from the caller's credentials)
 * and brings its own time, so the aggregate holds no clock.
 */
public final class ContactCommands {
  private ContactCommands() {}

  /** Create a contact; {@code primaryEmail} must be unique within the tenant. */
  public record CreateContact(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      String firstName,
      String lastName,
      String primaryEmail,
      List<String> otherEmails,
      List<String> phones,
      String companyId,
      String ownerId,
      LifecycleStage lifecycleStage,
      Integer leadScore,
      Set<String> tags,
      OptIns optIns,
      Map<String, String> customFields,
      Instant at) {}

  /**
   * Partial update: a {@code null} field is left as it is. {@code customFields}, when given,
   * replaces the whole map.
   */
  public record UpdateContactDetails(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      String firstName,
      String lastName,
      String primaryEmail,
      List<String> otherEmails,
      List<String> phones,
      String ownerId,
      Integer leadScore,
      OptIns optIns,
      Map<String, String> customFields,
      Instant at) {}

  public record ChangeLifecycleStage(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      LifecycleStage stage,
      Instant at) {}

  public record AddContactTags(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Set<String> tags,
      Instant at) {}

  public record RemoveContactTags(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Set<String> tags,
      Instant at) {}

  public record LinkContactToCompany(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      String companyId,
      Instant at) {}

  public record UnlinkContactFromCompany(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record ArchiveContact(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record RestoreContact(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  /**
   * Log an activity on the contact's timeline. {@code occurredAt} is when it happened (back-dated
   * or, for a planned meeting, ahead); {@code at} is when it is logged.
   */
  public record LogActivity(
      @TargetAggregateIdentifier String contactId,
      String tenantId,
      String activityId,
      ActivityType type,
      Instant occurredAt,
      String actorId,
      String subject,
      String body,
      String outcome,
      Instant at) {}
}
