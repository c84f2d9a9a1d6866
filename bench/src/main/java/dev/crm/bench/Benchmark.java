package dev.crm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crm.bench.DataGenerator.Company;
import dev.crm.bench.DataGenerator.Tenant;
import dev.crm.bench.ServiceProcess.Database;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;

/**
 * The measurements, in one run against one service: generate data, then reads (API and raw SQL side
 * by side), a timed import with reads of another tenant going on (and its {@code COPY} reference),
 * and commands at a fixed rate with the projection lag behind each.
 */
final class Benchmark {
  static final int PAGE = 50;

  /** Another tenant's UI traffic while an import runs: requests per second, half detail. */
  static final int READ_RATE_DURING_IMPORT = 40;

  private static final List<String> SORTS = List.of("created", "updated", "name");
  private static final Map<String, String> SORT_COLUMNS =
      Map.of("created", "created_at", "updated", "updated_at", "name", "sort_name");

  private final Size size;
  private final CrmClient platform;
  private final Database db;
  private final Path workDir;
  private final PrintStream out;
  private final long seed;
  private final Map<String, Object> report = new LinkedHashMap<>();
  private final List<Latency> charted = new ArrayList<>();
  private List<Latency> pacedIdle = List.of();
  private Tenant big;

  private final java.net.URI elasticsearch;
  private final String indexPrefix;

  Benchmark(
      Size size,
      CrmClient platform,
      Database db,
      java.net.URI elasticsearch,
      String indexPrefix,
      Path workDir,
      PrintStream out,
      long seed) {
    this.size = size;
    this.elasticsearch = elasticsearch;
    this.indexPrefix = indexPrefix;
    this.platform = platform;
    this.db = db;
    this.workDir = workDir;
    this.out = out;
    this.seed = seed;
  }

  /** The tenant the reads ran on, once {@link #run} has generated it. */
  Tenant readTenant() {
    return big;
  }

  Map<String, Object> report() {
    return report;
  }

  List<Latency> charted() {
    return charted;
  }

  void run() throws Exception {
    report.put("size", size.name());
    report.put("startedAt", Instant.now().toString());
    report.put(
        "machine",
        Map.of(
            "cores", Runtime.getRuntime().availableProcessors(),
            "java", Runtime.version().toString()));
    DataGenerator gen = new DataGenerator(platform, size, workDir.resolve("data"), out, seed);

    long t0 = System.nanoTime();
    List<Tenant> tenants = gen.generate();
    Map<String, Object> generated = new LinkedHashMap<>();
    generated.put("tenants", tenants.size());
    generated.put("companies", size.companies());
    generated.put("contacts", tenants.stream().mapToInt(Tenant::contacts).sum());
    generated.put("campaigns", size.campaigns());
    generated.put("seconds", seconds(t0));
    report.put("generate", generated);
    SearchBench search = new SearchBench(size, db, elasticsearch, indexPrefix, out);
    generated.put("secondsUntilSearchIndexed", search.awaitIndexed());
    analyze();

    big = tenants.getFirst();
    CrmClient api = platform.as(big.adminKey());
    List<UUID> ids = sampleIds(big.id(), 5_000);
    reads(api, big, ids);
    report.put("readModels", new ReadModelBench(size, db, out).run(api, big, ids, charted));
    report.put("search", search.run(api, big, charted));
    imports(gen, api, ids);
    commands(api, big, ids);
    report.put("finishedAt", Instant.now().toString());
  }

  // ---- reads ------------------------------------------------------------------------------

  private void reads(CrmClient api, Tenant tenant, List<UUID> ids) throws Exception {
    out.printf(
        "[reads] %d clients for %d s on %s (%,d contacts), API then raw SQL%n",
        size.readClients(), size.readSeconds(), tenant.name(), tenant.contacts());
    Latency detail = new Latency("contact detail (API)");
    Latency list = new Latency("contact list page (API)");
    runFor(size.readSeconds(), apiReads(api, ids, detail, list));
    Latency detailSql = new Latency("contact detail (raw SQL)");
    Latency listSql = new Latency("contact list page (raw SQL)");
    runFor(size.readSeconds(), sqlReads(UUID.fromString(tenant.id()), ids, detailSql, listSql));
    Latency detailPaced = new Latency("contact detail at 40/s, idle (API)");
    Latency listPaced = new Latency("contact list page at 40/s, idle (API)");
    long until = System.nanoTime() + size.readSeconds() * 1_000_000_000L;
    pacedReads(api, ids, () -> System.nanoTime() < until, detailPaced, listPaced);
    charted.addAll(List.of(detail, detailSql, list, listSql, detailPaced, listPaced));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tenantContacts", tenant.contacts());
    r.put("clients", size.readClients());
    r.put("seconds", size.readSeconds());
    r.put("detail", detail.summary());
    r.put("detailSql", detailSql.summary());
    r.put("list", list.summary());
    r.put("listSql", listSql.summary());
    r.put("pacedIdle", Map.of("detail", detailPaced.summary(), "list", listPaced.summary()));
    this.pacedIdle = List.of(detailPaced, listPaced);
    r.put(
        "detailP99RatioToSql", ratio(detail.percentileMillis(99), detailSql.percentileMillis(99)));
    r.put("listP99RatioToSql", ratio(list.percentileMillis(99), listSql.percentileMillis(99)));
    report.put("reads", r);
  }

  /** Runs {@code client} on {@code readClients} threads until {@code seconds} have passed. */
  private void runFor(int seconds, ClientLoop client) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    runWhile(() -> System.nanoTime() < deadline, client);
  }

  private void runWhile(BooleanSupplier keepGoing, ClientLoop client) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(size.readClients())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < size.readClients(); c++) {
        futures.add(
            pool.submit(
                () -> {
                  client.run(keepGoing);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  @FunctionalInterface
  interface ClientLoop {
    void run(BooleanSupplier keepGoing) throws Exception;
  }

  /** Half detail reads, half list reads of one to three pages in a random sort. */
  private static ClientLoop apiReads(CrmClient api, List<UUID> ids, Latency detail, Latency list) {
    return keepGoing -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      while (keepGoing.getAsBoolean()) {
        if (r.nextBoolean()) {
          String path = "/api/v1/contacts/" + ids.get(r.nextInt(ids.size()));
          long t = System.nanoTime();
          CrmClient.Answer a = api.call("GET", path, null);
          detail.recordNanos(System.nanoTime() - t);
          expect200(path, a);
        } else {
          String base =
              "/api/v1/contacts?limit="
                  + PAGE
                  + "&sort="
                  + SORTS.get(r.nextInt(SORTS.size()))
                  + "&order="
                  + (r.nextBoolean() ? "asc" : "desc");
          String cursor = null;
          for (int page = 0, pages = 1 + r.nextInt(3); page < pages; page++) {
            String path = cursor == null ? base : base + "&cursor=" + cursor;
            long t = System.nanoTime();
            CrmClient.Answer a = api.call("GET", path, null);
            list.recordNanos(System.nanoTime() - t);
            expect200(path, a);
            cursor = a.topLevelText("nextCursor");
            if (cursor == null) {
              break;
            }
          }
        }
      }
    };
  }

  /** The same reads as raw SQL, as the query side renders them, on one connection per client. */
  private ClientLoop sqlReads(UUID tenant, List<UUID> ids, Latency detail, Latency list) {
    return keepGoing -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      try (Connection c = db.connect();
          PreparedStatement byId =
              c.prepareStatement("select * from contact where tenant_id = ? and id = ?")) {
        while (keepGoing.getAsBoolean()) {
          if (r.nextBoolean()) {
            long t = System.nanoTime();
            byId.setObject(1, tenant);
            byId.setObject(2, ids.get(r.nextInt(ids.size())));
            try (ResultSet rs = byId.executeQuery()) {
              while (rs.next()) {
                rs.getString("email");
              }
            }
            detail.recordNanos(System.nanoTime() - t);
          } else {
            String key = SORT_COLUMNS.get(SORTS.get(r.nextInt(SORTS.size())));
            boolean desc = r.nextBoolean();
            Object lastKey = null;
            Object lastId = null;
            for (int page = 0, pages = 1 + r.nextInt(3); page < pages; page++) {
              long t = System.nanoTime();
              String sql =
                  "select *, "
                      + key
                      + " as keyset_sort, id as keyset_id from contact"
                      + " where tenant_id = ? and archived = false"
                      + (lastKey == null
                          ? ""
                          : " and (" + key + ", id) " + (desc ? "<" : ">") + " (?, ?)")
                      + " order by "
                      + key
                      + (desc ? " desc, id desc" : " asc, id asc")
                      + " limit "
                      + (PAGE + 1);
              int rows = 0;
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, tenant);
                if (lastKey != null) {
                  ps.setObject(2, lastKey);
                  ps.setObject(3, lastId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next() && rows < PAGE) {
                    rows++;
                    lastKey = rs.getObject("keyset_sort");
                    lastId = rs.getObject("keyset_id");
                  }
                }
              }
              list.recordNanos(System.nanoTime() - t);
              if (rows < PAGE) {
                break;
              }
            }
          }
        }
      }
    };
  }

  /** Another tenant's steady UI traffic: half detail, half first list pages, at a fixed rate. */
  private static void pacedReads(
      CrmClient api, List<UUID> ids, BooleanSupplier keepGoing, Latency detail, Latency list)
      throws Exception {
    paced(
        READ_RATE_DURING_IMPORT,
        Long.MAX_VALUE,
        keepGoing,
        (n, intended) -> {
          boolean isDetail = n % 2 == 0;
          String path =
              isDetail
                  ? "/api/v1/contacts/" + ids.get(n % ids.size())
                  : "/api/v1/contacts?limit=" + PAGE + "&sort=" + SORTS.get(n % 3);
          CrmClient.Answer a = api.call("GET", path, null);
          (isDetail ? detail : list).recordNanos(System.nanoTime() - intended);
          expect200(path, a);
        });
  }

  private static void expect200(String path, CrmClient.Answer a) {
    if (a.status() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + a.status() + ": " + a.body());
    }
  }

  // ---- import -----------------------------------------------------------------------------

  /**
   * Two timed imports of the same size, each into a new tenant: one alone (the headline figure,
   * beside {@code COPY} of the same file), one while another tenant's UI traffic goes on at a
   * steady rate (how much that traffic slows down, and how much the import yields to it).
   */
  private void imports(DataGenerator gen, CrmClient readApi, List<UUID> readIds) throws Exception {
    Map<String, Object> alone = timedImport(gen, "alone", null, readIds);
    report.put("import", alone);
    Map<String, Object> withReads = timedImport(gen, "beside reads", readApi, readIds);
    report.put("importBesideReads", withReads);
  }

  private Map<String, Object> timedImport(
      DataGenerator gen, String label, CrmClient readApi, List<UUID> readIds) throws Exception {
    int rows = size.importRows();
    Tenant target = gen.createTenant("Bench import " + label);
    List<Company> companies = gen.companies(target, Math.max(10, rows / 500));
    CrmClient api = platform.as(target.adminKey());
    Path file = workDir.resolve("data").resolve("import-" + target.id() + ".csv");
    gen.writeContacts(file, 0, rows, companies);
    long fileBytes = Files.size(file);

    Latency detail = new Latency("contact detail at 40/s, during import (API)");
    Latency list = new Latency("contact list page at 40/s, during import (API)");
    AtomicBoolean importing = new AtomicBoolean(true);
    long eventsBefore = count("select count(*) from domainevententry");
    out.printf(
        "[import %s] %,d rows (%,d bytes) into a new tenant%s%n",
        label, rows, fileBytes, readApi == null ? "" : ", another tenant reads at 40/s");
    long stored;
    long visible;
    long t0;
    try (ExecutorService bg = Executors.newSingleThreadExecutor()) {
      Future<?> reads =
          readApi == null
              ? null
              : bg.submit(
                  () -> {
                    pacedReads(readApi, readIds, importing::get, detail, list);
                    return null;
                  });
      t0 = System.nanoTime();
      try {
        JsonNode job = api.upload(file, DataGenerator.importOptions(), "bench-import-" + label);
        Progress progress = new Progress("import " + label, rows, out);
        JsonNode end = DataGenerator.awaitJob(api, job.get("id").asText(), 0, progress);
        stored = System.nanoTime();
        progress.finish();
        long succeeded = end.get("rowsSucceeded").asLong();
        if (succeeded != rows) {
          throw new IllegalStateException(
              "import stored " + succeeded + " of " + rows + ": " + end);
        }
        String visibleSql = "select count(*) from contact where tenant_id = '" + target.id() + "'";
        while (count(visibleSql) < rows) {
          DataGenerator.sleep(20);
        }
        visible = System.nanoTime();
      } finally {
        importing.set(false);
      }
      if (reads != null) {
        reads.get();
      }
    }
    long events = count("select count(*) from domainevententry") - eventsBefore;
    double storedSeconds = (stored - t0) / 1e9;
    double visibleSeconds = (visible - t0) / 1e9;

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rows", rows);
    r.put("fileBytes", fileBytes);
    r.put("eventsStored", events);
    r.put("secondsToEventsStored", round(storedSeconds));
    r.put("secondsToRowsVisible", round(visibleSeconds));
    r.put("rowsPerSecondEndToEnd", Math.round(rows / visibleSeconds));
    if (readApi == null) {
      double copySeconds = copyReference(file);
      r.put("copySeconds", round(copySeconds));
      r.put("ratioToCopy", ratio(visibleSeconds, copySeconds));
      r.put("goalSecondsPer100k", 15);
    } else {
      charted.addAll(List.of(detail, list));
      Map<String, Object> during = new LinkedHashMap<>();
      during.put("ratePerSecond", READ_RATE_DURING_IMPORT);
      during.put("detail", detail.summary());
      during.put("list", list.summary());
      if (pacedIdle.size() == 2) {
        during.put(
            "detailP99RatioToIdle",
            ratio(detail.percentileMillis(99), pacedIdle.get(0).percentileMillis(99)));
        during.put(
            "listP99RatioToIdle",
            ratio(list.percentileMillis(99), pacedIdle.get(1).percentileMillis(99)));
      }
      r.put("otherTenantReads", during);
    }
    Files.delete(file);
    return r;
  }

  /** The reference: {@code COPY} of the same file into a plain table of the same columns. */
  private double copyReference(Path file) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_copy_contact");
      s.execute(
          """
          create table bench_copy_contact (
            first_name text, last_name text, email text, phones text, company_id uuid,
            owner_id text, lifecycle_stage text, lead_score int, tags text,
            opt_in_email boolean, opt_in_sms boolean, region text, plan text,
            renewal_date date, nps int)""");
      long t0 = System.nanoTime();
      try (Reader in = Files.newBufferedReader(file)) {
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("copy bench_copy_contact from stdin with (format csv, header true)", in);
      }
      double secs = seconds(t0);
      s.execute("drop table bench_copy_contact");
      return secs;
    }
  }

  // ---- commands and projection lag --------------------------------------------------------

  private void commands(CrmClient api, Tenant tenant, List<UUID> ids) throws Exception {
    int rate = size.commandRate();
    int total = rate * size.commandSeconds();
    out.printf(
        "[commands] %d/s for %d s (creates and updates), projection lag of each%n",
        rate, size.commandSeconds());
    Latency latency = new Latency("command (API)");
    Latency lag = new Latency("projection lag");
    AtomicLong failures = new AtomicLong();
    String nonce = Long.toString(System.currentTimeMillis(), 36);
    try (LagWatcher watcher = new LagWatcher(db.connect(), UUID.fromString(tenant.id()), lag)) {
      paced(
          rate,
          total,
          () -> true,
          (n, intended) -> {
            CrmClient.Answer a =
                n % 2 == 0
                    ? api.call(
                        "POST",
                        "/api/v1/contacts",
                        Map.of(
                            "firstName", "Rate",
                            "lastName", "Test " + n,
                            "email", "rate." + n + "." + nonce + "@cmd.example"))
                    : api.call(
                        "PATCH",
                        "/api/v1/contacts/" + ids.get(n % ids.size()),
                        Map.of("firstName", "Renamed" + n));
            long answered = System.nanoTime();
            latency.recordNanos(answered - intended);
            if (a.status() / 100 != 2) {
              failures.incrementAndGet();
              return;
            }
            JsonNode result = a.json();
            watcher.expect(
                UUID.fromString(result.get("id").asText()),
                result.get("version").asLong(),
                answered);
          });
      watcher.awaitAll(java.time.Duration.ofSeconds(30));
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " of " + total + " commands failed");
    }
    charted.addAll(List.of(latency, lag));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ratePerSecond", rate);
    r.put("seconds", size.commandSeconds());
    r.put("command", latency.summary());
    r.put("projectionLag", lag.summary());
    report.put("commands", r);
  }

  // ---- helpers ----------------------------------------------------------------------------

  @FunctionalInterface
  interface PacedTask {
    void run(int n, long intendedNanos) throws Exception;
  }

  /**
   * An open-loop load: task {@code n} is due at {@code start + n / rate} whether or not earlier
   * ones have answered, and latency is measured from that due time, so a stall shows up in the
   * percentiles instead of quietly lowering the offered load (coordinated omission).
   */
  static void paced(int rate, long total, BooleanSupplier keepGoing, PacedTask task)
      throws Exception {
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < total && keepGoing.getAsBoolean(); i++) {
        long intended = start + i * period;
        long wait = intended - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  task.run(n, intended);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  private List<UUID> sampleIds(String tenantId, int n) throws SQLException {
    List<UUID> ids = new ArrayList<>(n);
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select id from contact where tenant_id = ? order by md5(id::text) limit ?")) {
      ps.setObject(1, UUID.fromString(tenantId));
      ps.setInt(2, n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("tenant " + tenantId + " has no contact rows to read");
    }
    return ids;
  }

  /**
   * Vacuums and refreshes the planner's statistics after the bulk load, as autovacuum does within a
   * minute or two on a server where it is on (inserts alone trigger it), so every run measures the
   * steady state: the same plans, and visibility maps that let counts use index-only scans.
   */
  private void analyze() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      for (String t :
          List.of("domainevententry", "contact", "contact_email_claim", "company", "campaign")) {
        s.execute("vacuum (analyze) " + t);
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Connection connectUnchecked() {
    try {
      return db.connect();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double seconds(long t0) {
    return round((System.nanoTime() - t0) / 1e9);
  }

  static double round(double v) {
    return Latency.round(v);
  }

  static double ratio(double a, double b) {
    return b <= 0 || Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : round(a / b);
  }
}
