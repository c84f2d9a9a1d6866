package dev.crm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crm.bench.DataGenerator.Tenant;
import dev.crm.bench.ServiceProcess.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The read models of segments, the activity timeline and the dashboard under concurrent load. Each
 * query is measured through the API and as the raw SQL it amounts to, in one mixed closed loop per
 * side, so the ratio between the two shows what the service adds to the database's own work.
 */
final class ReadModelBench {
  static final int PAGE = 50;
  static final int TIMELINE_PAGE = 20;
  static final int ACTIVITIES_PER_CONTACT = 20;
  static final List<String> ACTIVITY_TYPES = List.of("NOTE", "CALL", "MEETING", "EMAIL");

  /** One measured query: its API request and the SQL it amounts to. */
  private record Kind(String name, ApiCall api, SqlCall sql) {}

  @FunctionalInterface
  private interface ApiCall {
    String path(ThreadLocalRandom r);
  }

  @FunctionalInterface
  private interface SqlCall {
    void run(Connection c, ThreadLocalRandom r) throws SQLException;
  }

  /** A saved segment of the benchmark, its filter and the SQL that selects the same contacts. */
  private record BenchSegment(String name, Map<String, Object> filter, String sqlCondition) {}

  private final Size size;
  private final Database db;
  private final java.io.PrintStream out;

  ReadModelBench(Size size, Database db, java.io.PrintStream out) {
    this.size = size;
    this.db = db;
    this.out = out;
  }

  /** Runs the phase on {@code tenant}; returns the report section and adds to {@code charted}. */
  Map<String, Object> run(CrmClient api, Tenant tenant, List<UUID> ids, List<Latency> charted)
      throws Exception {
    UUID tenantId = UUID.fromString(tenant.id());
    Map<String, Object> r = new LinkedHashMap<>();
    List<UUID> timelineIds = ids.subList(0, Math.min(ids.size(), timelineContacts()));
    r.put("activities", logActivities(api, timelineIds));
    analyze();

    List<BenchSegment> segments = segments(tenantId);
    List<Kind> kinds = new ArrayList<>();
    Map<String, Object> saved = new LinkedHashMap<>();
    for (BenchSegment s : segments) {
      long t0 = System.nanoTime();
      String id = saveSegment(api, s);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long members = api.get("/api/v1/segments/" + id + "/count").get("count").asLong();
      out.printf(
          "[read models] segment '%s' saved and built in %.2f s: %d members%n",
          s.name(), seconds, members);
      saved.put(s.name(), Map.of("builtSeconds", Benchmark.round(seconds), "members", members));
      kinds.add(
          new Kind(
              "segment count: " + s.name(),
              x -> "/api/v1/segments/" + id + "/count",
              (c, x) -> countSql(c, tenantId, UUID.fromString(id))));
      kinds.add(
          new Kind(
              "segment page: " + s.name(),
              x -> "/api/v1/segments/" + id + "/contacts?limit=" + PAGE,
              (c, x) -> pageSql(c, tenantId, s)));
    }
    kinds.add(
        new Kind(
            "timeline page",
            x ->
                "/api/v1/contacts/"
                    + timelineIds.get(x.nextInt(timelineIds.size()))
                    + "/activities?limit="
                    + TIMELINE_PAGE,
            (c, x) -> timelineSql(c, tenantId, timelineIds.get(x.nextInt(timelineIds.size())))));
    kinds.add(new Kind("dashboard", x -> "/api/v1/dashboard", (c, x) -> dashboardSql(c, tenantId)));

    out.printf(
        "[read models] %d clients, %d s through the API, then %d s of raw SQL, %d queries mixed%n",
        size.readClients(), size.readSeconds(), size.readSeconds(), kinds.size());
    Map<Kind, Latency> viaApi = latencies(kinds, " (API)");
    closedLoop(
        () -> null,
        (ignored, x) -> {
          Kind k = kinds.get(x.nextInt(kinds.size()));
          String path = k.api().path(x);
          long t = System.nanoTime();
          CrmClient.Answer a = api.call("GET", path, null);
          viaApi.get(k).recordNanos(System.nanoTime() - t);
          if (a.status() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + a.status() + a.body());
          }
        });
    Map<Kind, Latency> viaSql = latencies(kinds, " (raw SQL)");
    closedLoop(
        db::connect,
        (c, x) -> {
          Kind k = kinds.get(x.nextInt(kinds.size()));
          long t = System.nanoTime();
          k.sql().run(c, x);
          viaSql.get(k).recordNanos(System.nanoTime() - t);
        });

    Map<String, Object> queries = new LinkedHashMap<>();
    for (Kind k : kinds) {
      Latency a = viaApi.get(k);
      Latency s = viaSql.get(k);
      charted.add(a);
      charted.add(s);
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("api", a.summary());
      q.put("sql", s.summary());
      q.put("p99RatioToSql", Benchmark.ratio(a.percentileMillis(99), s.percentileMillis(99)));
      queries.put(k.name(), q);
    }
    r.put("dashboardAlone", dashboardAlone(api, tenantId, charted));
    r.put("clients", size.readClients());
    r.put("seconds", size.readSeconds());
    r.put(
        "segments",
        segments.stream().map(s -> Map.of("name", s.name(), "filter", s.filter())).toList());
    r.put("segmentsSaved", saved);
    r.put("queries", queries);
    return r;
  }

  /**
   * The dashboard on its own, as a team opening it at once would load it: 4 clients, API and raw
   * SQL. (In the mix above it queues behind segment counts that scan a large share of the tenant.)
   */
  private Map<String, Object> dashboardAlone(CrmClient api, UUID tenantId, List<Latency> charted)
      throws Exception {
    Latency viaApi = new Latency("dashboard alone (API)");
    closedLoop(
        () -> null,
        (ignored, x) -> {
          long t = System.nanoTime();
          CrmClient.Answer a = api.call("GET", "/api/v1/dashboard", null);
          viaApi.recordNanos(System.nanoTime() - t);
          if (a.status() != 200) {
            throw new IllegalStateException("GET /api/v1/dashboard answered " + a.status());
          }
        });
    Latency viaSql = new Latency("dashboard alone (raw SQL)");
    closedLoop(
        db::connect,
        (c, x) -> {
          long t = System.nanoTime();
          dashboardSql(c, tenantId);
          viaSql.recordNanos(System.nanoTime() - t);
        });
    charted.add(viaApi);
    charted.add(viaSql);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("api", viaApi.summary());
    r.put("sql", viaSql.summary());
    r.put(
        "p99RatioToSql", Benchmark.ratio(viaApi.percentileMillis(99), viaSql.percentileMillis(99)));
    return r;
  }

  private int timelineContacts() {
    return size.contacts() >= 100_000 ? 1_000 : 100;
  }

  // ---- data --------------------------------------------------------------------------------

  /** Logs activities spread over the last two years on each contact, through the API. */
  private Map<String, Object> logActivities(CrmClient api, List<UUID> contacts) {
    int total = contacts.size() * ACTIVITIES_PER_CONTACT;
    Progress progress = new Progress("activities", total, out);
    Instant now = Instant.now();
    long t0 = System.nanoTime();
    DataGenerator.parallel(
        total,
        i -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          UUID contact = contacts.get(i / ACTIVITIES_PER_CONTACT);
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("type", ACTIVITY_TYPES.get(r.nextInt(ACTIVITY_TYPES.size())));
          body.put("occurredAt", now.minus(r.nextInt(730 * 24), ChronoUnit.HOURS).toString());
          body.put("subject", "Follow-up " + i);
          body.put("body", "Talked about the renewal and next steps; notes " + i + ".");
          body.put("outcome", r.nextBoolean() ? "connected" : "left voicemail");
          api.post("/api/v1/contacts/" + contact + "/activities", body);
          progress.add(1);
        });
    progress.finish();
    double seconds = (System.nanoTime() - t0) / 1e9;
    return Map.of(
        "contacts",
        contacts.size(),
        "logged",
        total,
        "seconds",
        Benchmark.round(seconds),
        "perSecond",
        Benchmark.round(total / seconds));
  }

  /**
   * Three segments as marketing would save them: an indexed enum plus flag, a tag set, and a
   * company attribute joined with a range. The industry is the tenant's most common one.
   */
  private List<BenchSegment> segments(UUID tenant) throws SQLException {
    String industry;
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select industry from company where tenant_id = ? and industry is not null"
                    + " group by industry order by count(*) desc limit 1")) {
      ps.setObject(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        industry = rs.next() ? rs.getString(1) : "Software";
      }
    }
    String quoted = industry.replace("'", "''");
    return List.of(
        new BenchSegment(
            "marketable leads",
            group(
                filter("lifecycleStage", "in", List.of("LEAD", "MQL")),
                filter("optIns.email", "eq", List.of("true"))),
            "lifecycle_stage in ('LEAD', 'MQL') and opt_in_email"),
        new BenchSegment(
            "vip or enterprise",
            group(filter("tags", "in", List.of("vip", "enterprise"))),
            "tags && array['vip', 'enterprise']"),
        new BenchSegment(
            "hot in top industry",
            group(
                filter("company.industry", "eq", List.of(industry)),
                filter("leadScore", "gte", List.of("70"))),
            "lead_score >= 70 and company_id in (select id from company where tenant_id = ?"
                + " and industry = '"
                + quoted
                + "')"));
  }

  private static Map<String, Object> filter(String field, String op, List<String> values) {
    return Map.of("field", field, "op", op, "values", values);
  }

  @SafeVarargs
  private static Map<String, Object> group(Map<String, Object>... filters) {
    return Map.of("groups", List.of(Map.of("filters", List.of(filters))));
  }

  private static String saveSegment(CrmClient api, BenchSegment s) {
    JsonNode created = api.post("/api/v1/segments", Map.of("name", s.name(), "filter", s.filter()));
    String id = created.get("id").asText();
    while (api.call("GET", "/api/v1/segments/" + id, null).status() != 200) {
      DataGenerator.sleep(50);
    }
    return id;
  }

  // ---- raw SQL -----------------------------------------------------------------------------

  /**
   * A saved segment's count is kept by the projections: the service reads the segment and its kept
   * count in one row. (Counting the contacts that match is a scan of a large share of the tenant,
   * 250–300 ms at p99 here with 4 clients; ad-hoc filter counts still do that.)
   */
  private static void countSql(Connection c, UUID tenant, UUID segment) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select s.definition, m.members from segment s left join segment_membership m"
                + " on m.tenant_id = s.tenant_id and m.segment_id = s.id"
                + " where s.tenant_id = ? and s.id = ? and not s.deleted")) {
      ps.setObject(1, tenant);
      ps.setObject(2, segment);
      drain(ps);
    }
  }

  private static void pageSql(Connection c, UUID tenant, BenchSegment s) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select * from contact where tenant_id = ? and not archived and ("
                + s.sqlCondition()
                + ") order by created_at, id limit "
                + (PAGE + 1))) {
      bindTenant(ps, tenant, s);
      drain(ps);
    }
  }

  private static void bindTenant(PreparedStatement ps, UUID tenant, BenchSegment s)
      throws SQLException {
    ps.setObject(1, tenant);
    if (s.sqlCondition().contains("?")) {
      ps.setObject(2, tenant);
    }
  }

  private static void timelineSql(Connection c, UUID tenant, UUID contact) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select * from contact_activity where tenant_id = ? and contact_id = ?"
                + " order by occurred_at desc, id desc limit "
                + (TIMELINE_PAGE + 1))) {
      ps.setObject(1, tenant);
      ps.setObject(2, contact);
      drain(ps);
    }
  }

  private static void dashboardSql(Connection c, UUID tenant) throws SQLException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (PreparedStatement ps =
        c.prepareStatement(
            "select metric, key, count from dashboard_count where tenant_id = ? and count <> 0"
                + " and (metric <> 'contact.created_day' or key between ? and ?)")) {
      ps.setObject(1, tenant);
      ps.setString(2, today.minusDays(29).toString());
      ps.setString(3, today.toString());
      drain(ps);
    }
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
  }

  // ---- loops -------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Opener<T> {
    T open() throws Exception;
  }

  @FunctionalInterface
  private interface Step<T> {
    void run(T resource, ThreadLocalRandom r) throws Exception;
  }

  /** {@code readClients} threads each run {@code step} back to back for {@code readSeconds}. */
  private <T> void closedLoop(Opener<T> open, Step<T> step) throws Exception {
    long deadline = System.nanoTime() + size.readSeconds() * 1_000_000_000L;
    try (ExecutorService pool = Executors.newFixedThreadPool(size.readClients())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < size.readClients(); i++) {
        futures.add(
            pool.submit(
                () -> {
                  T resource = open.open();
                  try {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                      step.run(resource, r);
                    }
                  } finally {
                    if (resource instanceof AutoCloseable closeable) {
                      closeable.close();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  private static Map<Kind, Latency> latencies(List<Kind> kinds, String suffix) {
    Map<Kind, Latency> map = new LinkedHashMap<>();
    kinds.forEach(k -> map.put(k, new Latency(k.name() + suffix)));
    return map;
  }

  private void analyze() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("vacuum (analyze) contact_activity");
    }
  }
}
