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
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuild and audit-export figures on the data the earlier phases left: a blue/green rebuild of the
 * search indexes from every event in the store (events per second, the service's own progress
 * reports printed as it goes), then an audit export of the largest tenant's events (events per
 * second, compressed bytes, and the service's heap sampled every 250 ms meanwhile: the most used,
 * and the live data G1 found after its collections).
 */
final class ReplayBench {
  private final Database db;
  private final PrintStream out;

  ReplayBench(Database db, PrintStream out) {
    this.db = db;
    this.out = out;
  }

  Map<String, Object> run(CrmClient platform, Tenant tenant) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("searchRebuild", rebuild(platform));
    r.put("auditExport", export(platform, platform.as(tenant.adminKey()), tenant));
    return r;
  }

  private Map<String, Object> rebuild(CrmClient platform) throws Exception {
    long events = count("select count(*) from domainevententry", null);
    out.printf("[rebuild] search indexes from %,d events, beside the serving ones%n", events);
    long t0 = System.nanoTime();
    JsonNode started = platform.post("/api/v1/admin/rebuilds", Map.of("readModel", "search"));
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
        "[rebuild] %,d events in %.1f s: %,d events/s, switched and old indexes dropped%n",
        events, seconds, Math.round(events / seconds));
    return m;
  }

  private Map<String, Object> export(CrmClient platform, CrmClient admin, Tenant tenant)
      throws Exception {
    long events =
        count(
            "select count(*) from domainevententry where crm_event_tenant(metadata) = ?",
            tenant.id());
    out.printf("[export] audit trail of %s: %,d events, JSONL, gzip%n", tenant.name(), events);
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
    m.put("events", events);
    m.put("gzipBytes", file.bytes());
    m.put("seconds", Benchmark.round(seconds));
    m.put("eventsPerSecond", Math.round(events / seconds));
    m.put("heapUsedBeforeMb", mb(heap.before.get()));
    m.put("heapUsedPeakMb", mb(heap.peak.get()));
    m.put("liveDataAfterGcPeakMb", mb(heap.livePeak.get()));
    m.put("heapSamples", heap.samples.get());
    out.printf(
        "[export] %,d events, %,d bytes gzip, in %.1f s: %,d events/s; heap used %d MB before, %d"
            + " MB at most; live data after GC at most %d MB%n",
        events,
        file.bytes(),
        seconds,
        Math.round(events / seconds),
        mb(heap.before.get()),
        mb(heap.peak.get()),
        mb(heap.livePeak.get()));
    return m;
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
