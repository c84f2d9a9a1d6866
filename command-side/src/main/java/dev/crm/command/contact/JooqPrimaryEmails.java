package dev.crm.command.contact;

import static dev.crm.db.jooq.Tables.CONTACT_EMAIL_CLAIM;

import dev.crm.domain.contact.DuplicatePrimaryEmail;
import dev.crm.domain.contact.PrimaryEmails;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * Primary-email claims in PostgreSQL. The jOOQ context joins the transaction of the command's unit
 * of work, so the claim commits or rolls back together with the contact's events; the table's
 * primary key makes two concurrent claims of one email fail.
 *
 * <p>Bulk writers claim a whole batch with one statement ({@link #claimAll}); the claims are
 * remembered in the batch's root unit of work, so each contact's own claim then costs no query.
 */
@Component
public class JooqPrimaryEmails implements PrimaryEmails {
  private final DSLContext db;

  public JooqPrimaryEmails(DSLContext db) {
    this.db = db;
  }

  /** The root unit-of-work resource holding the claims a batch made in advance. */
  private static final String PRECLAIMED = JooqPrimaryEmails.class.getName() + ".preclaimed";

  /**
   * Claims many emails of one tenant with one statement, in the current unit of work's transaction.
   * Answers the emails that another contact already holds; those stay unclaimed.
   */
  public Set<String> claimAll(String tenantId, Map<String, String> contactIdByEmail) {
    UUID tenant = UUID.fromString(tenantId);
    var insert =
        db.insertInto(
            CONTACT_EMAIL_CLAIM,
            CONTACT_EMAIL_CLAIM.TENANT_ID,
            CONTACT_EMAIL_CLAIM.EMAIL,
            CONTACT_EMAIL_CLAIM.CONTACT_ID);
    contactIdByEmail.forEach(
        (email, contactId) -> insert.values(tenant, email, UUID.fromString(contactId)));
    Set<String> claimed =
        new HashSet<>(
            insert
                .onConflictDoNothing()
                .returning(CONTACT_EMAIL_CLAIM.EMAIL)
                .fetch(CONTACT_EMAIL_CLAIM.EMAIL));
    Map<String, String> remembered =
        CurrentUnitOfWork.get().root().getOrComputeResource(PRECLAIMED, k -> new HashMap<>());
    Set<String> held = new HashSet<>();
    contactIdByEmail.forEach(
        (email, contactId) -> {
          if (claimed.contains(email)) {
            remembered.put(tenantId + "\n" + email, contactId);
          } else {
            held.add(email);
          }
        });
    return held;
  }

  /**
   * The contacts that hold any of {@code emails} in the tenant, by email. The emails travel as one
   * array parameter joined to the claims' primary key, so the lookup stays a few index probes per
   * email whatever the tenant's size, and the statement text is the same for every batch.
   */
  public Map<String, UUID> holders(String tenantId, Collection<String> emails) {
    Map<String, UUID> holders = new HashMap<>();
    if (emails.isEmpty()) {
      return holders;
    }
    Table<?> wanted = DSL.unnest(emails.toArray(String[]::new)).as("wanted", "email");
    Field<String> wantedEmail = wanted.field("email", String.class);
    db.select(CONTACT_EMAIL_CLAIM.EMAIL, CONTACT_EMAIL_CLAIM.CONTACT_ID)
        .from(wanted)
        .join(CONTACT_EMAIL_CLAIM)
        .on(
            CONTACT_EMAIL_CLAIM.TENANT_ID.eq(UUID.fromString(tenantId)),
            CONTACT_EMAIL_CLAIM.EMAIL.eq(wantedEmail))
        .forEach(r -> holders.put(r.value1(), r.value2()));
    return holders;
  }

  @Override
  public void claim(String tenantId, String email, String contactId) {
    boolean preclaimed =
        CurrentUnitOfWork.map(uow -> uow.root().<Map<String, String>>getResource(PRECLAIMED))
            .map(claims -> contactId.equals(claims.get(tenantId + "\n" + email)))
            .orElse(false);
    if (preclaimed) {
      return;
    }
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
