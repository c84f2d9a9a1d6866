package dev.crm.domain.contact;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.crm.domain.contact.ContactCommands.AddContactTags;
import dev.crm.domain.contact.ContactCommands.ArchiveContact;
import dev.crm.domain.contact.ContactCommands.ChangeLifecycleStage;
import dev.crm.domain.contact.ContactCommands.CreateContact;
import dev.crm.domain.contact.ContactCommands.LinkContactToCompany;
import dev.crm.domain.contact.ContactCommands.LogActivity;
import dev.crm.domain.contact.ContactCommands.RemoveContactTags;
import dev.crm.domain.contact.ContactCommands.RestoreContact;
import dev.crm.domain.contact.ContactCommands.UnlinkContactFromCompany;
import dev.crm.domain.contact.ContactCommands.UpdateContactDetails;
import dev.crm.domain.contact.ContactEvent.ActivityLogged;
import dev.crm.domain.contact.ContactEvent.ContactArchived;
import dev.crm.domain.contact.ContactEvent.ContactCreated;
import dev.crm.domain.contact.ContactEvent.ContactDetailsUpdated;
import dev.crm.domain.contact.ContactEvent.ContactLinkedToCompany;
import dev.crm.domain.contact.ContactEvent.ContactRestored;
import dev.crm.domain.contact.ContactEvent.ContactTagsAdded;
import dev.crm.domain.contact.ContactEvent.ContactTagsRemoved;
import dev.crm.domain.contact.ContactEvent.ContactUnlinkedFromCompany;
import dev.crm.domain.contact.ContactEvent.LifecycleStageChanged;
import dev.crm.domain.shared.AggregateArchived;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import dev.crm.domain.shared.TenantGuard;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

/**
 * A person the tenant does business with. Owns its details, funnel stage, tags and company link;
 * primary-email uniqueness spans contacts, so it is claimed through {@link PrimaryEmails}, the
 * linked company must be one of the tenant's, which {@link Companies} answers, and custom values
 * must follow the tenant's field definitions, which {@link CustomFieldSchemas} holds; they are
 * stored in canonical form.
 */
public class Contact {
  private static final String TYPE = "contact";

  /** A phone number is free text (extensions, notes), but it must fit one line of a form. */
  static final int MAX_PHONE = 40;

  /** Lead scores are points on a bounded scale so that scoring rules stay comparable. */
  static final int MAX_LEAD_SCORE = 1000;

  /** Activities before 2000 are typos: no CRM history reaches back that far. */
  static final Instant EARLIEST_ACTIVITY = Instant.parse("2000-01-01T00:00:00Z");

  /** Planned meetings may be logged ahead, but a year at most: anything later is a typo. */
  static final int MAX_YEARS_AHEAD = 1;

  /** A subject is one line of a timeline entry. */
  static final int MAX_SUBJECT = Fields.MAX_TEXT;

  /** A body holds meeting notes or an email's text; bounded so that one event stays small. */
  static final int MAX_BODY = 20_000;

  /** An outcome is a short label ("left voicemail", "demo booked"), a facet in reports. */
  static final int MAX_OUTCOME = 100;

  /** Actors are API key ids or the ids of users in the caller's own system. */
  static final int MAX_ACTOR_ID = 100;

  @AggregateIdentifier private String contactId;
  private String tenantId;
  private String firstName;
  private String lastName;
  private String primaryEmail;
  private ArrayList<String> otherEmails;
  private ArrayList<String> phones;
  private String companyId;
  private String ownerId;
  private LifecycleStage lifecycleStage;
  private int leadScore;
  private HashSet<String> tags;
  // Opt-ins are kept as plain booleans so that snapshots need no record support from Jackson.
  private boolean emailOptIn;
  private boolean smsOptIn;
  private boolean callOptIn;
  private HashMap<String, String> customFields;
  private boolean archived;

  protected Contact() {
    // for Axon
  }

  @CommandHandler
  public Contact(
      CreateContact cmd,
      PrimaryEmails primaryEmails,
      Companies companies,
      CustomFieldSchemas customFieldSchemas) {
    String email = Fields.requireEmail("email", cmd.primaryEmail());
    List<String> others = otherEmails(cmd.otherEmails());
    List<String> validPhones = phones(cmd.phones());
    String first = Fields.optionalText("firstName", cmd.firstName());
    String last = Fields.optionalText("lastName", cmd.lastName());
    String owner = Fields.optionalText("ownerId", cmd.ownerId());
    String company = Fields.optionalText("companyId", cmd.companyId());
    Integer score = leadScore(cmd.leadScore());
    Set<String> validTags = Fields.tags("tags", cmd.tags());
    Map<String, String> fields =
        customFieldSchemas.contactRules(cmd.tenantId()).canonical(cmd.customFields());
    requireCompanyOfTenant(companies, cmd.tenantId(), company);

    primaryEmails.claim(cmd.tenantId(), email, cmd.contactId());
    apply(
        new ContactCreated(
            cmd.contactId(),
            cmd.tenantId(),
            first,
            last,
            email,
            others == null ? List.of() : others,
            validPhones == null ? List.of() : validPhones,
            company,
            owner,
            Objects.requireNonNullElse(cmd.lifecycleStage(), LifecycleStage.SUBSCRIBER),
            score == null ? 0 : score,
            validTags == null ? Set.of() : validTags,
            Objects.requireNonNullElse(cmd.optIns(), OptIns.NONE),
            fields,
            cmd.at()));
  }

  @CommandHandler
  public Long handle(
      UpdateContactDetails cmd,
      PrimaryEmails primaryEmails,
      CustomFieldSchemas customFieldSchemas) {
    requireChangeable(cmd.tenantId());
    String first = Fields.optionalText("firstName", cmd.firstName());
    String last = Fields.optionalText("lastName", cmd.lastName());
    String email =
        cmd.primaryEmail() == null ? null : Fields.requireEmail("email", cmd.primaryEmail());
    List<String> others = otherEmails(cmd.otherEmails());
    List<String> validPhones = phones(cmd.phones());
    String owner = Fields.optionalText("ownerId", cmd.ownerId());
    Integer score = leadScore(cmd.leadScore());
    // A given map replaces the whole set, so it must hold every required field.
    Map<String, String> fields =
        cmd.customFields() == null
            ? null
            : customFieldSchemas.contactRules(tenantId).canonical(cmd.customFields());

    var update =
        new ContactDetailsUpdated(
            contactId,
            tenantId,
            changed(first, firstName),
            changed(last, lastName),
            changed(email, primaryEmail),
            changed(others, otherEmails),
            changed(validPhones, phones),
            changed(owner, ownerId),
            changed(score, leadScore),
            changed(cmd.optIns(), optIns()),
            changed(fields, customFields),
            cmd.at());
    if (changesNothing(update)) {
      return AggregateLifecycle.getVersion();
    }
    if (update.primaryEmail() != null) {
      primaryEmails.claim(tenantId, update.primaryEmail(), contactId);
      primaryEmails.release(tenantId, primaryEmail, contactId);
    }
    apply(update);
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(ChangeLifecycleStage cmd) {
    requireChangeable(cmd.tenantId());
    if (cmd.stage() == null) {
      throw new InvalidField("lifecycleStage", "is required");
    }
    if (cmd.stage() != lifecycleStage) {
      apply(new LifecycleStageChanged(contactId, tenantId, lifecycleStage, cmd.stage(), cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(AddContactTags cmd) {
    requireChangeable(cmd.tenantId());
    Set<String> requested = requireTags(Fields.tags("tags", cmd.tags()));
    Set<String> added = new LinkedHashSet<>(requested);
    added.removeAll(tags);
    if (tags.size() + added.size() > Fields.MAX_TAGS) {
      throw new InvalidField("tags", "must hold at most " + Fields.MAX_TAGS + " tags");
    }
    if (!added.isEmpty()) {
      apply(new ContactTagsAdded(contactId, tenantId, added, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(RemoveContactTags cmd) {
    requireChangeable(cmd.tenantId());
    Set<String> removed = new LinkedHashSet<>(requireTags(cmd.tags()));
    removed.retainAll(tags);
    if (!removed.isEmpty()) {
      apply(new ContactTagsRemoved(contactId, tenantId, removed, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(LinkContactToCompany cmd, Companies companies) {
    requireChangeable(cmd.tenantId());
    String company = Fields.requireText("companyId", cmd.companyId());
    requireCompanyOfTenant(companies, tenantId, company);
    if (!company.equals(companyId)) {
      apply(new ContactLinkedToCompany(contactId, tenantId, company, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(UnlinkContactFromCompany cmd) {
    requireChangeable(cmd.tenantId());
    if (companyId != null) {
      apply(new ContactUnlinkedFromCompany(contactId, tenantId, companyId, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(ArchiveContact cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, contactId);
    if (!archived) {
      apply(new ContactArchived(contactId, tenantId, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(RestoreContact cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, contactId);
    if (archived) {
      apply(new ContactRestored(contactId, tenantId, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  /**
   * Logs an activity. It changes nothing the contact decides on, so there is no event sourcing
   * handler: the timeline and the contact's last-activity columns are read models of the event.
   */
  @CommandHandler
  public Long handle(LogActivity cmd) {
    requireChangeable(cmd.tenantId());
    String activityId = Fields.requireText("activityId", cmd.activityId());
    if (cmd.type() == null) {
      throw new InvalidField("type", "is required");
    }
    Instant occurredAt = occurredAt(cmd.occurredAt(), cmd.at());
    String actor = actor(cmd.actorId());
    String subject = Fields.optionalText("subject", cmd.subject(), MAX_SUBJECT);
    String body = Fields.optionalText("body", cmd.body(), MAX_BODY);
    String outcome = Fields.optionalText("outcome", cmd.outcome(), MAX_OUTCOME);

    apply(
        new ActivityLogged(
            contactId,
            tenantId,
            activityId,
            cmd.type(),
            occurredAt,
            actor,
            subject,
            body,
            outcome,
            cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @EventSourcingHandler
  void on(ContactCreated event) {
    contactId = event.contactId();
    tenantId = event.tenantId();
    firstName = event.firstName();
    lastName = event.lastName();
    primaryEmail = event.primaryEmail();
    otherEmails = new ArrayList<>(event.otherEmails());
    phones = new ArrayList<>(event.phones());
    companyId = event.companyId();
    ownerId = event.ownerId();
    lifecycleStage = event.lifecycleStage();
    leadScore = event.leadScore();
    tags = new HashSet<>(event.tags());
    assignOptIns(event.optIns());
    customFields = new HashMap<>(event.customFields());
    archived = false;
  }

  @EventSourcingHandler
  void on(ContactDetailsUpdated event) {
    if (event.firstName() != null) {
      firstName = event.firstName();
    }
    if (event.lastName() != null) {
      lastName = event.lastName();
    }
    if (event.primaryEmail() != null) {
      primaryEmail = event.primaryEmail();
    }
    if (event.otherEmails() != null) {
      otherEmails = new ArrayList<>(event.otherEmails());
    }
    if (event.phones() != null) {
      phones = new ArrayList<>(event.phones());
    }
    if (event.ownerId() != null) {
      ownerId = event.ownerId();
    }
    if (event.leadScore() != null) {
      leadScore = event.leadScore();
    }
    if (event.optIns() != null) {
      assignOptIns(event.optIns());
    }
    if (event.customFields() != null) {
      customFields = new HashMap<>(event.customFields());
    }
  }

  @EventSourcingHandler
  void on(LifecycleStageChanged event) {
    lifecycleStage = event.to();
  }

  @EventSourcingHandler
  void on(ContactTagsAdded event) {
    tags.addAll(event.tags());
  }

  @EventSourcingHandler
  void on(ContactTagsRemoved event) {
    tags.removeAll(event.tags());
  }

  @EventSourcingHandler
  void on(ContactLinkedToCompany event) {
    companyId = event.companyId();
  }

  @EventSourcingHandler
  void on(ContactUnlinkedFromCompany event) {
    companyId = null;
  }

  @EventSourcingHandler
  void on(ContactArchived event) {
    archived = true;
  }

  @EventSourcingHandler
  void on(ContactRestored event) {
    archived = false;
  }

  /** Foreign tenants see no contact at all; archived contacts refuse changes until restored. */
  private void requireChangeable(String commandTenant) {
    TenantGuard.requireSameTenant(tenantId, commandTenant, TYPE, contactId);
    if (archived) {
      throw new AggregateArchived(TYPE, contactId);
    }
  }

  /** A contact may reference only an existing company of its own tenant, archived or not. */
  private static void requireCompanyOfTenant(
      Companies companies, String tenantId, String companyId) {
    if (companyId != null && !companies.existsInTenant(tenantId, companyId)) {
      throw new InvalidField("companyId", "is not a company of this tenant");
    }
  }

  /**
   * An activity happened between {@link #EARLIEST_ACTIVITY} and {@link #MAX_YEARS_AHEAD} after it
   * is logged.
   */
  private static Instant occurredAt(Instant occurredAt, Instant at) {
    if (occurredAt == null) {
      throw new InvalidField("occurredAt", "is required");
    }
    if (occurredAt.isBefore(EARLIEST_ACTIVITY)) {
      throw new InvalidField("occurredAt", "must not be before " + EARLIEST_ACTIVITY);
    }
    Instant latest = at.atOffset(ZoneOffset.UTC).plusYears(MAX_YEARS_AHEAD).toInstant();
    if (occurredAt.isAfter(latest)) {
      throw new InvalidField(
          "occurredAt", "must be at most " + MAX_YEARS_AHEAD + " year after now");
    }
    return occurredAt;
  }

  /** Every activity names who did it (the API defaults to the caller), in {@link #MAX_ACTOR_ID}. */
  private static String actor(String actorId) {
    if (actorId == null || actorId.isBlank()) {
      throw new InvalidField("actorId", "is required");
    }
    return Fields.optionalText("actorId", actorId, MAX_ACTOR_ID);
  }

  /** Every other email must be a valid address; a missing entry is an input error, not a skip. */
  private static List<String> otherEmails(List<String> values) {
    if (values != null && values.stream().anyMatch(Objects::isNull)) {
      throw new InvalidField("emails", "is not a valid email address");
    }
    return Fields.emails("emails", values);
  }

  /** Phones are free text but never blank and at most {@link #MAX_PHONE} characters. */
  private static List<String> phones(List<String> values) {
    if (values == null) {
      return null;
    }
    for (String phone : values) {
      if (phone == null || phone.isBlank() || phone.length() > MAX_PHONE) {
        throw new InvalidField("phones", "each phone must be 1 to " + MAX_PHONE + " characters");
      }
    }
    return List.copyOf(values);
  }

  /** A lead score lies between 0 and {@link #MAX_LEAD_SCORE}. */
  private static Integer leadScore(Integer value) {
    if (value != null && (value < 0 || value > MAX_LEAD_SCORE)) {
      throw new InvalidField("leadScore", "must be between 0 and " + MAX_LEAD_SCORE);
    }
    return value;
  }

  /** Adding or removing tags needs a set of tags to act on. */
  private static Set<String> requireTags(Set<String> values) {
    if (values == null) {
      throw new InvalidField("tags", "is required");
    }
    return values;
  }

  /** The requested value if it differs from the current one, else {@code null} (unchanged). */
  private static <T> T changed(T requested, Object current) {
    return requested == null || requested.equals(current) ? null : requested;
  }

  private static boolean changesNothing(ContactDetailsUpdated update) {
    return update.firstName() == null
        && update.lastName() == null
        && update.primaryEmail() == null
        && update.otherEmails() == null
        && update.phones() == null
        && update.ownerId() == null
        && update.leadScore() == null
        && update.optIns() == null
        && update.customFields() == null;
  }

  private OptIns optIns() {
    return new OptIns(emailOptIn, smsOptIn, callOptIn);
  }

  private void assignOptIns(OptIns optIns) {
    emailOptIn = optIns.email();
    smsOptIn = optIns.sms();
    callOptIn = optIns.call();
  }
}
