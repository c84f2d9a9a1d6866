package dev.crm.infra.cache;

/**
 * The read caches, each with its own lifetime (defaults from the design: details 10 minutes, list
 * pages 3, search results 2, dashboard statistics 15) and its own share of each node's memory.
 */
public enum CacheFamily {
  DETAIL("detail"),
  LIST("list"),
  SEARCH("search"),
  DASHBOARD("dashboard");

  private final String id;

  CacheFamily(String id) {
    this.id = id;
  }

  /** The name in keys, properties and metrics. */
  public String id() {
    return id;
  }
}
