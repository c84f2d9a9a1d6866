package dev.crm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crm.bench.DataGenerator.Tenant;
import dev.crm.bench.ServiceProcess.Database;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuild and audit-export figures on the data the earlier phases left, topped up by imports to at
 * least {@link #MIN_EVENTS} events: blue/green rebuilds of the SQL read tables and of the search
 * indexes from every event in the store (events per second, the service's own progress reports
 * printed as it goes), then two audit exports of the largest tenant's events (events per second,
 * compressed bytes, and the service's heap sampled every 250 ms meanwhile: the most used, and the
 * live data G1 found after its collections).
 */
final class ReplayBench {
  /** The floor for the rebuild figures. */
  static final long MIN_EVENTS = 1_000_000;

  private final Database db;
  private final PrintStream out;
  private final DataGenerator generator;

  ReplayBench(Database db, PrintStream out, DataGenerator generator) {
    this.db = db;
    this.out = out;
    this.generator = generator;
  }

  Map<String, Object> run(CrmClient platform, Tenant tenant, List<String> rebuilds)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("topUp", topUp());
    awaitCaughtUp(platform);
    if (rebuilds.contains("tables")) {
      Map<String, String> before = fingerprints();
      Map<String, Object> m =
          rebuild(platform, "tables", "SQL read tables (contact, company, campaign)");
      Map<String, String> after = fingerprints();
      m.put("rowsAsBefore", before.equals(after));
      if (!before.equals(after)) {
        m.put("rowsBefore", before);
        m.put("rowsAfter", after);
      }
      out.printf(
          "[rebuild] rebuilt rows %s the serving rows before it%n",
          before.equals(after) ? "equal" : "DIFFER FROM (" + before + " -> " + after + ")");
      r.put("tableRebuild", m);
    }
    if (rebuilds.contains("search")) {
      r.put("searchRebuild", rebuild(platform, "search", "search indexes"));
    }
    r.put("auditExport", export(platform, platform.as(tenant.adminKey()), tenant));
    return r;
  }

  /** Imports contacts into a tenant of its own until the store holds {@link #MIN_EVENTS}. */
  private Map<String, Object> topUp() throws Exception {
    long events = count("select count(*) from domainevententry", null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eventsBefore", events);
    long missing = MIN_EVENTS - events;
    if (missing > 0) {
      // An imported contact is one event; a little over, for the tenant's own events.
      int rows = (int) (missing + 1_000);
      out.printf("[rebuild] %,d events in the store: importing %,d contacts first%n", events, rows);
      Tenant created = generator.createTenant("Bench replay top-up " + System.currentTimeMillis());
      Tenant tenant =
          new Tenant(
              created.id(),
              created.name(),
              created.adminKey(),
              generator.companies(created, 100),
              rows);
      generator.importContacts(tenant, rows, "bench-replay-top-up-" + created.id());
      m.put("contactsImported", rows);
    }
    return m;
  }

  /**
   * Waits until every serving processor has handled the store's events (the top-up's, or a backlog
   * a killed run left): a rebuild measured beside a catching-up projection would share the machine
   * with it.
   */
  private void awaitCaughtUp(CrmClient platform) throws InterruptedException {
    long lastPrint = 0;
    while (true) {
      JsonNode status = platform.get("/api/v1/admin/processors");
      long behind = 0;
      for (JsonNode p : status.get("processors")) {
        JsonNode lag = p.get("lagEvents");
        behind = Math.max(behind, lag == null || lag.isNull() ? Long.MAX_VALUE : lag.asLong());
      }
      if (behind <= 100) {
        return;
      }
      if (System.nanoTime() - lastPrint > 10_000_000_000L) {
        lastPrint = System.nanoTime();
        out.printf("[rebuild] waiting for the serving processors: %,d events behind%n", behind);
      }
      Thread.sleep(1000);
    }
  }

  private Map<String, Object> rebuild(CrmClient platform, String readModel, String what)
      throws Exception {
    long events = count("select count(*) from domainevententry", null);
    out.printf("[rebuild] %s from %,d events, beside the serving ones%n", what, events);
    long t0 = System.nanoTime();
    JsonNode started = platform.post("/api/v1/admin/rebuilds", Map.of("readModel", readModel));
    String id = started.get("id").asText();
    JsonNode view = started;
    long lastPrint = 0;
    while (!view.get("state").asText().equals("completed")) {
      if (view.get("state").asText().equals("failed")) {
        throw new IllegalStateException("rebuild failed: " + view.get("failure").asText());
      }
      Thread.sleep(500);
      view = platform.get("/api/v1/admin/rebuilds/" + id);
      if (System.nanoTime() - lastPrint > 5_000_000_000L) {
        lastPrint = System.nanoTime();
        out.printf(
            "[rebuild] %s %.1f%% (%s of head %,d), %s events/s, ETA %s s%n",
            view.get("state").asText(),
            view.get("percent").asDouble(),
            view.get("position").asText(),
            view.get("head").asLong(),
            view.get("eventsPerSecond").asText(),
            view.get("etaSeconds").asText());
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", events);
    m.put("seconds", Benchmark.round(seconds));
    m.put("eventsPerSecond", Math.round(events / seconds));
    out.printf(
        "[rebuild] %s: %,d events in %.1f s: %,d events/s, switched and the old version"
            + " dropped%n",
        readModel, events, seconds, Math.round(events / seconds));
    return m;
  }

  /**
   * The largest tenant's audit export, twice: the first after the service started runs code the JIT
   * has not compiled yet; the second is what every later export, and the rest of a long one, runs
   * at.
   */
  private Map<String, Object> export(CrmClient platform, CrmClient admin, Tenant tenant)
      throws Exception {
    long events =
        count(
            "select count(*) from domainevententry where crm_event_tenant(metadata) = ?",
            tenant.id());
    out.printf("[export] audit trail of %s: %,d events, JSONL, gzip%n", tenant.name(), events);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", events);
    m.put("first", exportOnce(platform, admin, events, "first"));
    m.put("second", exportOnce(platform, admin, events, "second"));
    return m;
  }

  private Map<String, Object> exportOnce(
      CrmClient platform, CrmClient admin, long events, String which) throws Exception {
    HeapSampler heap = new HeapSampler(platform);
    Thread sampler = Thread.ofPlatform().daemon().start(heap);
    long t0 = System.nanoTime();
    Http.Drained file = admin.drain("/api/v1/audit/export");
    double seconds = (System.nanoTime() - t0) / 1e9;
    heap.stop.set(true);
    sampler.join();
    if (file.status() != 200) {
      throw new IllegalStateException("export answered " + file.status());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gzipBytes", file.bytes());
    m.put("seconds", Benchmark.round(seconds));
    m.put("eventsPerSecond", Math.round(events / seconds));
    m.put("heapUsedBeforeMb", mb(heap.before.get()));
    m.put("heapUsedPeakMb", mb(heap.peak.get()));
    // Micrometer reports live data once a collection has reclaimed the old generation; before the
    // first one it reports 0, which is no measurement.
    Long live = heap.livePeak.get() > 0 ? mb(heap.livePeak.get()) : null;
    m.put("liveDataAfterGcPeakMb", live);
    m.put("heapSamples", heap.samples.get());
    out.printf(
        "[export] %s: %,d events, %,d bytes gzip, in %.2f s: %,d events/s; heap used %d MB"
            + " before, %d MB at most; live data after GC at most %s%n",
        which,
        events,
        file.bytes(),
        seconds,
        Math.round(events / seconds),
        mb(heap.before.get()),
        mb(heap.peak.get()),
        liveData(live));
    return m;
  }

  /** Live data after GC as printed: none before the first old-generation collection. */
  static String liveData(Object mb) {
    return mb == null ? "(no old-generation collection yet)" : mb + " MB";
  }

  private static long mb(long bytes) {
    return Math.round(bytes / 1048576.0);
  }

  /** Samples the service's heap through its metrics endpoint until told to stop. */
  private static final class HeapSampler implements Runnable {
    final CrmClient platform;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong before = new AtomicLong(-1);
    final AtomicLong peak = new AtomicLong();
    final AtomicLong livePeak = new AtomicLong();
    final AtomicLong samples = new AtomicLong();

    HeapSampler(CrmClient platform) {
      this.platform = platform;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        long used = value("/actuator/metrics/jvm.memory.used?tag=area:heap");
        before.compareAndSet(-1, used);
        peak.accumulateAndGet(used, Math::max);
        livePeak.accumulateAndGet(value("/actuator/metrics/jvm.gc.live.data.size"), Math::max);
        samples.incrementAndGet();
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private long value(String path) {
      JsonNode m = platform.get(path);
      return (long) m.get("measurements").get(0).get("value").asDouble();
    }
  }

  /**
   * Each read table's row count and the sum of a hash of every row's text: a rebuild from the same
   * events must give the same rows, every column of them.
   */
  private Map<String, String> fingerprints() throws SQLException {
    Map<String, String> prints = new LinkedHashMap<>();
    try (Connection c = db.connect()) {
      for (String table : List.of("contact", "company", "campaign")) {
        try (PreparedStatement ps =
                c.prepareStatement(
                    "select count(*) || ' rows, hash ' || coalesce(sum(hashtextextended(t::text, 0)"
                        + "::numeric), 0) from "
                        + table
                        + " t");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          prints.put(table, rs.getString(1));
        }
      }
    }
    return prints;
  }

  private long count(String sql, String parameter) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (parameter != null) {
        ps.setString(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
