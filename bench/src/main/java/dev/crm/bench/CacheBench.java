package dev.crm.bench;

import dev.crm.bench.DataGenerator.Tenant;
import dev.crm.bench.ServiceProcess.Database;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;

/**
 * The read mix of a CRM's users, skewed as real traffic is: a few contacts, lists and searches are
 * read far more often than the rest (Zipf, exponent {@link #EXPONENT}, over every contact of the
 * largest tenant, its list pages and its search terms). The same mix, with the same seed, runs once
 * against a service with its caches on and once with them off; each run warms up first, then
 * measures. Hits are told apart by the service's {@code X-Cache} header.
 */
final class CacheBench {
  static final double EXPONENT = 1.1;
  static final int DETAIL_PERCENT = 60;
  static final int LIST_PERCENT = 25;
  private static final List<String> SORTS = List.of("created", "updated", "name");
  private static final List<String> STAGES = List.of("", "&stage=lead", "&stage=customer");

  private final Size size;
  private final Database db;
  private final PrintStream out;
  private final long seed;
  private List<UUID> contacts;
  private List<String> terms;

  CacheBench(Size size, Database db, PrintStream out, long seed) {
    this.size = size;
    this.db = db;
    this.out = out;
    this.seed = seed;
  }

  /** One run of the mix against the service {@code api} talks to; {@code label} names it. */
  Map<String, Object> run(CrmClient api, Tenant tenant, String label, List<Latency> charted)
      throws Exception {
    if (contacts == null) {
      contacts = contactsInRankOrder(UUID.fromString(tenant.id()));
      terms =
          new SearchBench(size, db, null, null, out)
              .terms(UUID.fromString(tenant.id())).stream().map(SearchBench.Term::text).toList();
    }
    int warmUp = size.cacheWarmUpSeconds();
    int measure = size.readSeconds() * 2;
    out.printf(
        "[cache %s] Zipf %.1f over %,d contacts, %d list pages, %d search terms; %d clients, %d s"
            + " warm-up, %d s measured%n",
        label,
        EXPONENT,
        contacts.size(),
        SORTS.size() * 2 * STAGES.size(),
        terms.size(),
        size.readClients(),
        warmUp,
        measure);
    Mix warm = new Mix(label + " warm-up");
    loop(api, warm, warmUp, seed);
    Mix mix = new Mix(label);
    loop(api, mix, measure, seed + 1);
    charted.addAll(List.of(mix.detail, mix.detailHit, mix.list, mix.search));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("exponent", EXPONENT);
    r.put("contacts", contacts.size());
    r.put("seconds", measure);
    r.put("requests", mix.requests.get());
    r.put("hitRatio", Benchmark.ratio(mix.hits.get(), mix.requests.get()));
    r.put("warmUpSeconds", warmUp);
    r.put("warmUpHitRatioByWindow", warm.hitRatioByWindow(warmUp));
    r.put("hitRatioByWindow", mix.hitRatioByWindow(measure));
    r.put("detail", mix.detail.summary());
    r.put("detailHits", mix.detailHit.summary());
    r.put("list", mix.list.summary());
    r.put("search", mix.search.summary());
    return r;
  }

  /** Both runs side by side, with the ratios the goals are stated in. */
  static Map<String, Object> compare(Map<String, Object> runs) {
    Map<String, Object> r = new LinkedHashMap<>(runs);
    if (runs.get("cachesOn") instanceof Map<?, ?> on
        && runs.get("cachesOff") instanceof Map<?, ?> off) {
      r.put("listP99OnToOff", Benchmark.ratio(p99(on, "list"), p99(off, "list")));
      r.put("detailP99OnToOff", Benchmark.ratio(p99(on, "detail"), p99(off, "detail")));
      r.put("searchP99OnToOff", Benchmark.ratio(p99(on, "search"), p99(off, "search")));
      r.put("goals", "hit ratio >= 0.9; detail p99 on a hit <= 5 ms; list p99 on <= 0.5x off");
    }
    return r;
  }

  private static double p99(Map<?, ?> run, String what) {
    return run.get(what) instanceof Map<?, ?> m && m.get("p99Ms") instanceof Number n
        ? n.doubleValue()
        : Double.NaN;
  }

  /** Seconds per window of the hit-ratio series that shows whether a cache is still filling. */
  static final int WINDOW_SECONDS = 30;

  /** Latencies of one run, and its requests and hits per {@link #WINDOW_SECONDS} window. */
  private final class Mix {
    final String label;
    final Latency detail;
    final Latency detailHit;
    final Latency list;
    final Latency search;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    final List<long[]> windows = new ArrayList<>();
    long started;

    Mix(String label) {
      this.label = label;
      detail = new Latency("contact detail, Zipf mix, " + label);
      detailHit = new Latency("contact detail, cache hits, " + label);
      list = new Latency("contact list page, Zipf mix, " + label);
      search = new Latency("contact search, Zipf mix, " + label);
    }

    synchronized void count(boolean hit) {
      int w = (int) ((System.nanoTime() - started) / (WINDOW_SECONDS * 1_000_000_000L));
      while (windows.size() <= w) {
        if (!windows.isEmpty()) {
          long[] done = windows.getLast();
          out.printf(
              "[cache %s] %3d s: %,d requests, hit ratio %.3f%n",
              label, windows.size() * WINDOW_SECONDS, done[0], Benchmark.ratio(done[1], done[0]));
        }
        windows.add(new long[2]);
      }
      windows.get(w)[0]++;
      if (hit) {
        windows.get(w)[1]++;
      }
    }

    /** Whole windows only: the sliver of requests still in flight at the deadline is left out. */
    synchronized List<Double> hitRatioByWindow(int seconds) {
      return windows.stream()
          .limit(Math.max(1, seconds / WINDOW_SECONDS))
          .map(w -> Benchmark.ratio(w[1], w[0]))
          .toList();
    }
  }

  private void loop(CrmClient api, Mix mix, int seconds, long runSeed) throws Exception {
    mix.started = System.nanoTime();
    long deadline = mix.started + seconds * 1_000_000_000L;
    int lists = SORTS.size() * 2 * STAGES.size();
    try (ExecutorService pool = Executors.newFixedThreadPool(size.readClients())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < size.readClients(); c++) {
        SplittableRandom random = new SplittableRandom(runSeed * 31 + c);
        UniformRandomProvider rng = random::nextLong;
        var contact = RejectionInversionZipfSampler.of(rng, contacts.size(), EXPONENT);
        var page = RejectionInversionZipfSampler.of(rng, lists, EXPONENT);
        var term = RejectionInversionZipfSampler.of(rng, terms.size(), EXPONENT);
        futures.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < deadline) {
                    int kind = random.nextInt(100);
                    if (kind < DETAIL_PERCENT) {
                      String path = "/api/v1/contacts/" + contacts.get(contact.sample() - 1);
                      Timed t = timed(api, path, mix.detail, mix);
                      if (t.answer().cacheHit()) {
                        mix.detailHit.recordNanos(t.nanos());
                      }
                    } else if (kind < DETAIL_PERCENT + LIST_PERCENT) {
                      listPages(api, page.sample() - 1, random, mix);
                    } else {
                      String q = terms.get(term.sample() - 1);
                      timed(
                          api,
                          "/api/v1/search/contacts?limit=20&q="
                              + URLEncoder.encode(q, StandardCharsets.UTF_8),
                          mix.search,
                          mix);
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

  /** A list's first page, and with falling odds its second and third, as users page on. */
  private void listPages(CrmClient api, int variant, SplittableRandom random, Mix mix) {
    String sort = SORTS.get(variant % SORTS.size());
    String order = (variant / SORTS.size()) % 2 == 0 ? "asc" : "desc";
    String stage = STAGES.get(variant / (SORTS.size() * 2));
    String base =
        "/api/v1/contacts?limit=" + Benchmark.PAGE + "&sort=" + sort + "&order=" + order + stage;
    String cursor = null;
    for (int p = 0; p < 3; p++) {
      String path = cursor == null ? base : base + "&cursor=" + cursor;
      cursor = timed(api, path, mix.list, mix).answer().topLevelText("nextCursor");
      if (cursor == null || random.nextInt(100) >= 30) {
        return;
      }
    }
  }

  private record Timed(CrmClient.Answer answer, long nanos) {}

  private static Timed timed(CrmClient api, String path, Latency latency, Mix mix) {
    long t = System.nanoTime();
    CrmClient.Answer a = api.call("GET", path, null);
    long nanos = System.nanoTime() - t;
    if (a.status() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + a.status() + ": " + a.body());
    }
    latency.recordNanos(nanos);
    mix.requests.incrementAndGet();
    if (a.cacheHit()) {
      mix.hits.incrementAndGet();
    }
    mix.count(a.cacheHit());
    return new Timed(a, nanos);
  }

  /** Every contact of the tenant, in a fixed order that is not the order they were made in. */
  private List<UUID> contactsInRankOrder(UUID tenant) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select id from contact where tenant_id = ? and not archived order by md5(id::text)")) {
      ps.setObject(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return ids;
  }
}
