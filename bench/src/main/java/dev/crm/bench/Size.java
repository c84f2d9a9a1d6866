package dev.crm.bench;

/**
 * How much data a run makes and how long each measurement lasts. {@code small} is the default of
 * the generator and the benchmark's quick run; {@code full} is the design size.
 */
record Size(
    String name,
    int tenants,
    int companies,
    int contacts,
    int campaigns,
    int importRows,
    int readSeconds,
    int readClients,
    int commandRate,
    int commandSeconds) {

  static Size named(String name) {
    return switch (name) {
      case "small", "quick" -> new Size("small", 2, 400, 4_000, 20, 10_000, 10, 4, 40, 10);
      case "full" -> new Size("full", 4, 50_000, 500_000, 200, 100_000, 30, 4, 50, 30);
      default -> throw new IllegalArgumentException("size must be small (quick) or full: " + name);
    };
  }

  Size withCounts(Integer tenants, Integer companies, Integer contacts, Integer importRows) {
    return new Size(
        name,
        tenants == null ? this.tenants : tenants,
        companies == null ? this.companies : companies,
        contacts == null ? this.contacts : contacts,
        campaigns,
        importRows == null ? this.importRows : importRows,
        readSeconds,
        readClients,
        commandRate,
        commandSeconds);
  }

  /**
   * How long the cache phase warms up before it measures. A full run's 500K contacts need minutes
   * of Zipf traffic before the working set that real users' caches would hold is in them; a 30 s
   * warm-up measured a cache still filling (its hit ratio was still rising at the end).
   */
  int cacheWarmUpSeconds() {
    return name.equals("full") ? 300 : 20;
  }

  /** The share of {@code total} that tenant {@code i} (0-based) gets: Zipf-like, tenant 0 most. */
  int shareOf(int total, int i) {
    double sum = 0;
    for (int t = 0; t < tenants; t++) {
      sum += 1.0 / (t + 1);
    }
    int[] shares = new int[tenants];
    int given = 0;
    for (int t = 0; t < tenants; t++) {
      shares[t] = (int) Math.floor(total * (1.0 / (t + 1)) / sum);
      given += shares[t];
    }
    shares[0] += total - given;
    return shares[i];
  }
}
