package dev.crm.projections.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.crm.domain.contact.ContactEvent;
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
import dev.crm.projections.shared.SortKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A contact as the contacts index stores it (field names are the mapping's, {@code
 * contacts-v1.json}). The projection's working copy while it applies a batch of events; its version
 * is the aggregate sequence number it reflects, sent to Elasticsearch as the external version.
 */
final class ContactDocument {
  public String id;
  public String tenantId;
  public String firstName;
  public String lastName;
  public String fullName;
  public String sortName;
  public String email;
  public List<String> emails = List.of();
  public List<String> phones = List.of();
  public String companyId;
  public String companyName;
  public String stage;
  public String ownerId;
  public List<String> tags = List.of();
  public Integer leadScore;
  public boolean archived;
  public Map<String, String> custom = Map.of();
  public Instant createdAt;
  public Instant updatedAt;
  public Instant lastActivityAt;
  public Suggestion suggest;

  @JsonIgnore long version = -1;

  /** Completion inputs and the tenant context that scopes them (archived contacts: none). */
  record Suggestion(List<String> input, Map<String, List<String>> contexts) {}

  static ContactDocument created(ContactCreated e, long seq, String companyName) {
    ContactDocument d = new ContactDocument();
    d.id = e.contactId();
    d.tenantId = e.tenantId();
    d.firstName = e.firstName();
    d.lastName = e.lastName();
    d.email = e.primaryEmail();
    d.setEmails(e.primaryEmail(), e.otherEmails());
    d.phones = phoneDigits(e.phones());
    d.companyId = e.companyId();
    d.companyName = companyName;
    d.stage = e.lifecycleStage().name();
    d.ownerId = e.ownerId();
    d.leadScore = e.leadScore();
    d.tags = List.copyOf(new TreeSet<>(e.tags()));
    d.custom = e.customFields();
    d.createdAt = e.at();
    d.updatedAt = e.at();
    d.version = seq;
    d.refreshDerived();
    return d;
  }

  /**
   * Applies an event newer than this document; answers false (and changes nothing) for one it
   * already reflects. {@code companyNames} answers the current name of a company it links to.
   */
  boolean apply(ContactEvent event, long seq, Function<String, String> companyNames) {
    if (seq <= version) {
      return false;
    }
    switch (event) {
      case ContactCreated e -> {
        return false;
      }
      case ContactDetailsUpdated e -> {
        if (e.firstName() != null) {
          firstName = e.firstName();
        }
        if (e.lastName() != null) {
          lastName = e.lastName();
        }
        List<String> others =
            e.otherEmails() != null
                ? e.otherEmails()
                : emails.stream().filter(x -> !x.equalsIgnoreCase(email)).toList();
        if (e.primaryEmail() != null) {
          email = e.primaryEmail();
        }
        setEmails(email, others);
        if (e.phones() != null) {
          phones = phoneDigits(e.phones());
        }
        if (e.ownerId() != null) {
          ownerId = e.ownerId();
        }
        if (e.leadScore() != null) {
          leadScore = e.leadScore();
        }
        if (e.customFields() != null) {
          custom = e.customFields();
        }
      }
      case LifecycleStageChanged e -> stage = e.to().name();
      case ContactTagsAdded e -> {
        TreeSet<String> all = new TreeSet<>(tags);
        all.addAll(e.tags());
        tags = List.copyOf(all);
      }
      case ContactTagsRemoved e -> {
        TreeSet<String> left = new TreeSet<>(tags);
        left.removeAll(e.tags());
        tags = List.copyOf(left);
      }
      case ContactLinkedToCompany e -> {
        companyId = e.companyId();
        companyName = companyNames.apply(e.companyId());
      }
      case ContactUnlinkedFromCompany e -> {
        companyId = null;
        companyName = null;
      }
      case ContactArchived e -> archived = true;
      case ContactRestored e -> archived = false;
      case ActivityLogged e -> {
        if (lastActivityAt == null || e.occurredAt().isAfter(lastActivityAt)) {
          lastActivityAt = e.occurredAt();
        }
      }
    }
    updatedAt = event.at();
    version = seq;
    refreshDerived();
    return true;
  }

  private void setEmails(String primary, List<String> others) {
    emails =
        Stream.concat(Stream.ofNullable(primary), others.stream())
            .map(String::strip)
            .distinct()
            .toList();
  }

  /** Fields computed from others: the searchable full name, the sort key, the suggestions. */
  private void refreshDerived() {
    fullName = join(firstName, lastName);
    sortName = SortKeys.personName(lastName, firstName);
    List<String> input = new ArrayList<>();
    addInput(input, fullName);
    addInput(input, join(lastName, firstName));
    addInput(input, email);
    suggest = new Suggestion(List.copyOf(input), Map.of("tenant", List.of(suggestContext())));
  }

  /**
   * Completion suggesters ignore query filters; the tenant context scopes them instead. An archived
   * contact is filed under a context no query asks for, so it leaves autocomplete as it leaves the
   * default search.
   */
  private String suggestContext() {
    return archived ? tenantId + ":archived" : tenantId;
  }

  static List<String> phoneDigits(List<String> phones) {
    return phones.stream()
        .map(ContactDocument::digits)
        .filter(p -> !p.isEmpty())
        .distinct()
        .toList();
  }

  /** Phone numbers are stored and queried as their digits, so any formatting matches. */
  static String digits(String phone) {
    StringBuilder digits = new StringBuilder();
    phone.chars().filter(Character::isDigit).forEach(digits::appendCodePoint);
    return digits.toString();
  }

  private static String join(String a, String b) {
    String joined = ((a == null ? "" : a) + " " + (b == null ? "" : b)).strip();
    return joined.isEmpty() ? null : joined;
  }

  private static void addInput(List<String> input, String value) {
    if (value != null && !value.isBlank() && !input.contains(value)) {
      input.add(value.length() > 100 ? value.substring(0, 100) : value);
    }
  }
}
