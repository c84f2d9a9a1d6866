package dev.crm.domain.contact;

/**
 * The set of primary emails in use per tenant. Uniqueness spans aggregates, so the contact asks
 * this port while it handles a command; the command side implements it on a table written in the
 * same transaction as the events, so a rolled-back command releases its claim.
 */
public interface PrimaryEmails {
  /**
   * Claims {@code email} for {@code contactId} within the tenant.
   *
   * @throws DuplicatePrimaryEmail if another contact of the tenant holds it
   */
  void claim(String tenantId, String email, String contactId);

  /** Releases the claim, if {@code contactId} holds it. */
  void release(String tenantId, String email, String contactId);
}
