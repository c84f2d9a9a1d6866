package dev.crm.command.contact;

import static dev.crm.db.jooq.Tables.CONTACT_EMAIL_CLAIM;

import dev.crm.domain.contact.DuplicatePrimaryEmail;
import dev.crm.domain.contact.PrimaryEmails;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * Primary-email claims in PostgreSQL. The jOOQ context joins the transaction of the command's unit
 * of work, so the claim commits or rolls back together with the contact's events; the table's
 * primary key makes two concurrent claims of one email fail.
 */
@Component
public class JooqPrimaryEmails implements PrimaryEmails {
  private final DSLContext db;

  public JooqPrimaryEmails(DSLContext db) {
    this.db = db;
  }

  @Override
  public void claim(String tenantId, String email, String contactId) {
    UUID tenant = UUID.fromString(tenantId);
    UUID contact = UUID.fromString(contactId);
    int inserted =
        db.insertInto(CONTACT_EMAIL_CLAIM)
            .set(CONTACT_EMAIL_CLAIM.TENANT_ID, tenant)
            .set(CONTACT_EMAIL_CLAIM.EMAIL, email)
            .set(CONTACT_EMAIL_CLAIM.CONTACT_ID, contact)
            .onConflictDoNothing()
            .execute();
    if (inserted == 0) {
      UUID holder =
          db.select(CONTACT_EMAIL_CLAIM.CONTACT_ID)
              .from(CONTACT_EMAIL_CLAIM)
              .where(CONTACT_EMAIL_CLAIM.TENANT_ID.eq(tenant), CONTACT_EMAIL_CLAIM.EMAIL.eq(email))
              .fetchOne(CONTACT_EMAIL_CLAIM.CONTACT_ID);
      if (!contact.equals(holder)) {
        throw new DuplicatePrimaryEmail(email);
      }
    }
  }

  @Override
  public void release(String tenantId, String email, String contactId) {
    db.deleteFrom(CONTACT_EMAIL_CLAIM)
        .where(
            CONTACT_EMAIL_CLAIM.TENANT_ID.eq(UUID.fromString(tenantId)),
            CONTACT_EMAIL_CLAIM.EMAIL.eq(email),
            CONTACT_EMAIL_CLAIM.CONTACT_ID.eq(UUID.fromString(contactId)))
        .execute();
  }
}
