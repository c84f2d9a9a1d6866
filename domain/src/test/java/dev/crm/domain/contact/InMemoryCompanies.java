package dev.crm.domain.contact;

import java.util.HashSet;
import java.util.Set;

/** The companies port held in a set of tenant and company ids, for aggregate tests. */
final class InMemoryCompanies implements Companies {
  private final Set<String> companies = new HashSet<>();

  /** Records {@code companyId} as a company of the tenant. */
  InMemoryCompanies add(String tenantId, String companyId) {
    companies.add(key(tenantId, companyId));
    return this;
  }

  @Override
  public boolean existsInTenant(String tenantId, String companyId) {
    return companies.contains(key(tenantId, companyId));
  }

  private static String key(String tenantId, String companyId) {
    return tenantId + "\n" + companyId;
  }
}
