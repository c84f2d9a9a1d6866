package dev.crm.infra.axon;

/**
 * Names of the processing groups that readers wait on for read-your-writes: the query side names
 * the read model it answers from without depending on the projections that build it.
 */
public final class ProcessingGroups {
  public static final String CONTACT_TABLE = "contact-table";
  public static final String COMPANY_TABLE = "company-table";
  public static final String SEARCH = "search";

  /**
   * Whether a group sequences its events by tenant (one segment handles all of a tenant's events)
   * rather than by aggregate, Axon's default.
   */
  public static boolean sequencedByTenant(String group) {
    return SEARCH.equals(group);
  }

  private ProcessingGroups() {}
}
