package dev.crm.query.contact;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.time.OffsetDateTime;
import java.util.List;

/** Typed queries on the contact read model and the views they answer with. */
public final class ContactQueries {
  private ContactQueries() {}

  public record FindContactById(String tenantId, String contactId) {}

  /** Filters are AND-ed; a {@code null} filter is not applied. Archived contacts are left out. */
  public record ListContacts(
      String tenantId,
      String lifecycleStage,
      String ownerId,
      String companyId,
      String tag,
      boolean includeArchived,
      ListRequest page) {}

  /**
   * A contact as read. {@code lastActivityAt} is when its latest logged activity occurred ({@code
   * null} if none was), {@code activityCount} how many were logged. {@code customFields} is the
   * JSON object of custom field values as the read table stores it (PostgreSQL {@code jsonb}, so
   * always well-formed), written into the response as it is: parsing it into a map only to write it
   * out again was a fifth of what a 50-row list page allocated (JFR, 227-283 KB per page before,
   * 181-206 KB after).
   */
  public record ContactView(
      String id,
      long version,
      String firstName,
      String lastName,
      String email,
      List<String> emails,
      List<String> phones,
      String companyId,
      String ownerId,
      String lifecycleStage,
      int leadScore,
      List<String> tags,
      OptInsView optIns,
      @JsonRawValue String customFields,
      boolean archived,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      OffsetDateTime lastActivityAt,
      int activityCount) {}

  public record OptInsView(boolean email, boolean sms, boolean call) {}

  /** One page of contact rows; {@code nextCursor} is {@code null} on the last page. */
  public record ContactPage(List<ContactView> items, String nextCursor) {
    public ContactPage {
      items = List.copyOf(items);
    }

    static ContactPage of(Page<ContactView> page) {
      return new ContactPage(page.items(), page.nextCursor());
    }
  }
}
