package dev.crm.domain.contact;

/**
 * Which companies a contact may reference: only existing ones of its own tenant. The rule spans
 * aggregates (the company is another aggregate), so the contact asks this port while it handles a
 * command. The command side answers from the event store, the committed truth. Companies are never
 * deleted, only archived, so a company found here stays valid and a check-then-act is safe.
 */
public interface Companies {
  /** Whether {@code companyId} is a company of the tenant, archived or not. */
  boolean existsInTenant(String tenantId, String companyId);
}
