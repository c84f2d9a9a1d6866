package dev.crm.api.ops;

import dev.crm.infra.cache.CacheFamily;
import dev.crm.infra.cache.RedisLink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * One page of how the service performs (platform admin): per endpoint the request count and latency
 * percentiles (Micrometer's decaying window over the last minutes) and the SQL statements a request
 * runs, and per cache its hit ratio.
 */
@RestController
@Tag(name = "Operations")
public class PerformanceSummaryController {
  private final MeterRegistry meters;
  private final RedisLink redis;

  public PerformanceSummaryController(MeterRegistry meters, RedisLink redis) {
    this.meters = meters;
    this.redis = redis;
  }

  /** Latency percentiles in milliseconds; null where too few requests were seen. */
  public record EndpointSummary(
      String method,
      String uri,
      long requests,
      long errors,
      Double p50Ms,
      Double p95Ms,
      Double p99Ms,
      Double dbStatementsPerRequest) {}

  /** Lookups per level and the share answered from either level. */
  public record CacheSummary(
      String cache, long l1Hits, long l2Hits, long misses, long evictions, Double hitRatio) {}

  public record PerformanceSummary(
      List<EndpointSummary> endpoints, List<CacheSummary> caches, boolean cacheDegraded) {}

  @GetMapping("/api/v1/admin/performance")
  @Operation(summary = "Per-endpoint latency percentiles, statements per request, cache hit ratios")
  public PerformanceSummary summary() {
    return new PerformanceSummary(endpoints(), caches(), !redis.isUp());
  }

  private List<EndpointSummary> endpoints() {
    Map<String, List<Timer>> byEndpoint = new LinkedHashMap<>();
    for (Timer t : meters.find("http.server.requests").timers()) {
      String uri = t.getId().getTag("uri");
      if (uri != null && uri.startsWith("/api/")) {
        byEndpoint
            .computeIfAbsent(t.getId().getTag("method") + " " + uri, k -> new ArrayList<>())
            .add(t);
      }
    }
    List<EndpointSummary> out = new ArrayList<>();
    byEndpoint.forEach(
        (endpoint, timers) -> {
          String method = endpoint.substring(0, endpoint.indexOf(' '));
          String uri = endpoint.substring(endpoint.indexOf(' ') + 1);
          long requests = timers.stream().mapToLong(Timer::count).sum();
          long errors =
              timers.stream()
                  .filter(t -> !"SUCCESS".equals(t.getId().getTag("outcome")))
                  .mapToLong(Timer::count)
                  .sum();
          // Percentiles of successful answers (the timer with them all); errors are counted.
          Timer ok =
              timers.stream()
                  .filter(t -> "SUCCESS".equals(t.getId().getTag("outcome")))
                  .max(Comparator.comparingLong(Timer::count))
                  .orElse(null);
          Map<Double, Double> p = ok == null ? Map.of() : percentiles(ok);
          DistributionSummary statements =
              meters.find(RequestCostFilter.METRIC).tags("method", method, "uri", uri).summary();
          out.add(
              new EndpointSummary(
                  method,
                  uri,
                  requests,
                  errors,
                  p.get(0.5),
                  p.get(0.95),
                  p.get(0.99),
                  statements == null || statements.count() == 0 ? null : round(statements.mean())));
        });
    out.sort(Comparator.comparingLong(EndpointSummary::requests).reversed());
    return out;
  }

  private static Map<Double, Double> percentiles(Timer timer) {
    Map<Double, Double> p = new LinkedHashMap<>();
    for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
      p.put(v.percentile(), round(v.value(TimeUnit.MILLISECONDS)));
    }
    return p;
  }

  private List<CacheSummary> caches() {
    List<CacheSummary> out = new ArrayList<>();
    for (CacheFamily family : CacheFamily.values()) {
      long l1Hits = gets(family, "l1", "hit");
      long l2Hits = gets(family, "l2", "hit");
      long misses = gets(family, "l2", "miss");
      // Without Redis a first-level miss goes to the database without a second-level lookup.
      long firstMisses = gets(family, "l1", "miss");
      long lookups = l1Hits + firstMisses;
      long evictions =
          (long)
              meters.find("crm.cache.evictions").tag("cache", family.id()).counters().stream()
                  .mapToDouble(Counter::count)
                  .sum();
      out.add(
          new CacheSummary(
              family.id(),
              l1Hits,
              l2Hits,
              Math.max(misses, firstMisses - l2Hits),
              evictions,
              lookups == 0 ? null : round((double) (l1Hits + l2Hits) / lookups)));
    }
    return out;
  }

  private long gets(CacheFamily family, String layer, String result) {
    Counter c =
        meters
            .find("crm.cache.gets")
            .tags("cache", family.id(), "layer", layer, "result", result)
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
