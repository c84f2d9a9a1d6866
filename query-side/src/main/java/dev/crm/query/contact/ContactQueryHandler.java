package dev.crm.query.contact;

import static dev.crm.db.jooq.Tables.CONTACT;

import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.contact.ContactQueries.ContactView;
import dev.crm.query.contact.ContactQueries.FindContactById;
import dev.crm.query.contact.ContactQueries.ListContacts;
import dev.crm.query.contact.ContactQueries.OptInsView;
import dev.crm.query.shared.Ids;
import dev.crm.query.shared.Keyset;
import dev.crm.query.shared.ListRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectFieldOrAsterisk;
import org.springframework.stereotype.Component;

/** Answers contact queries from the contact read table, always inside the caller's tenant. */
@Component
public class ContactQueryHandler {
  private static final List<SelectFieldOrAsterisk> COLUMNS = List.of(CONTACT.fields());

  private final DSLContext db;

  public ContactQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public Optional<ContactView> handle(FindContactById query) {
    Optional<UUID> id = Ids.parse(query.contactId());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.selectFrom(CONTACT)
        .where(CONTACT.TENANT_ID.eq(UUID.fromString(query.tenantId())), CONTACT.ID.eq(id.get()))
        .fetchOptional(ContactQueryHandler::view);
  }

  @QueryHandler
  public ContactPage handle(ListContacts query) {
    List<Condition> where = new ArrayList<>();
    where.add(CONTACT.TENANT_ID.eq(UUID.fromString(query.tenantId())));
    if (!query.includeArchived()) {
      where.add(CONTACT.ARCHIVED.isFalse());
    }
    if (query.lifecycleStage() != null) {
      where.add(CONTACT.LIFECYCLE_STAGE.eq(query.lifecycleStage()));
    }
    if (query.ownerId() != null) {
      where.add(CONTACT.OWNER_ID.eq(query.ownerId()));
    }
    if (query.companyId() != null) {
      where.add(CONTACT.COMPANY_ID.eq(Ids.require("companyId", query.companyId())));
    }
    if (query.tag() != null) {
      where.add(CONTACT.TAGS.contains(new String[] {query.tag()}));
    }
    return ContactPage.of(
        Keyset.page(
            db,
            CONTACT,
            COLUMNS,
            org.jooq.impl.DSL.and(where),
            sortKey(query.page().sort()),
            CONTACT.ID,
            query.page(),
            ContactQueryHandler::view));
  }

  /** The column a contact list is ordered by; segment lists order the same way. */
  public static Field<?> sortKey(ListRequest.Sort sort) {
    return switch (sort) {
      case CREATED -> CONTACT.CREATED_AT;
      case UPDATED -> CONTACT.UPDATED_AT;
      case NAME -> CONTACT.SORT_NAME;
    };
  }

  /** A contact row as the API shows it; shared with the lists of filters and segments. */
  public static ContactView view(Record r) {
    return new ContactView(
        r.get(CONTACT.ID).toString(),
        r.get(CONTACT.VERSION),
        r.get(CONTACT.FIRST_NAME),
        r.get(CONTACT.LAST_NAME),
        r.get(CONTACT.EMAIL),
        List.of(r.get(CONTACT.OTHER_EMAILS)),
        List.of(r.get(CONTACT.PHONES)),
        r.get(CONTACT.COMPANY_ID) == null ? null : r.get(CONTACT.COMPANY_ID).toString(),
        r.get(CONTACT.OWNER_ID),
        r.get(CONTACT.LIFECYCLE_STAGE),
        r.get(CONTACT.LEAD_SCORE),
        List.of(r.get(CONTACT.TAGS)),
        new OptInsView(
            r.get(CONTACT.OPT_IN_EMAIL), r.get(CONTACT.OPT_IN_SMS), r.get(CONTACT.OPT_IN_CALL)),
        r.get(CONTACT.CUSTOM_FIELDS).data(),
        r.get(CONTACT.ARCHIVED),
        r.get(CONTACT.CREATED_AT),
        r.get(CONTACT.UPDATED_AT),
        r.get(CONTACT.LAST_ACTIVITY_AT),
        r.get(CONTACT.ACTIVITY_COUNT));
  }
}
