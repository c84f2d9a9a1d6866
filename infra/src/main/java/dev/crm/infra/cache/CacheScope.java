package dev.crm.infra.cache;

/**
 * What invalidates a cached read: one aggregate ({@code contact:<id>}) for a detail, or a whole
 * tenant's family ({@code contacts}, {@code search}, {@code dashboard}) for lists, searches and
 * statistics. Each scope has a generation counter; a cached entry is valid only while the
 * generation it was read under is current, so a projection invalidates every entry of a scope by
 * bumping one counter.
 */
public record CacheScope(CacheFamily family, String tenantId, String name) {
  public CacheScope {
    if (tenantId == null || tenantId.isBlank() || name == null || name.isBlank()) {
      throw new IllegalArgumentException("a cache scope needs a tenant and a name");
    }
  }

  public static CacheScope contact(String tenantId, String contactId) {
    return new CacheScope(CacheFamily.DETAIL, tenantId, "contact:" + contactId);
  }

  public static CacheScope company(String tenantId, String companyId) {
    return new CacheScope(CacheFamily.DETAIL, tenantId, "company:" + companyId);
  }

  public static CacheScope contacts(String tenantId) {
    return new CacheScope(CacheFamily.LIST, tenantId, "contacts");
  }

  public static CacheScope companies(String tenantId) {
    return new CacheScope(CacheFamily.LIST, tenantId, "companies");
  }

  public static CacheScope search(String tenantId) {
    return new CacheScope(CacheFamily.SEARCH, tenantId, "search");
  }

  public static CacheScope dashboard(String tenantId) {
    return new CacheScope(CacheFamily.DASHBOARD, tenantId, "dashboard");
  }

  /** The scope's identity across nodes: tenant first, as in every cache key. */
  public String key() {
    return tenantId + ":" + name;
  }
}
