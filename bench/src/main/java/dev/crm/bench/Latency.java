package dev.crm.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A latency distribution in microseconds (HdrHistogram, 3 significant digits). */
final class Latency {
  private final String name;
  private final Histogram histogram = new ConcurrentHistogram(3);

  Latency(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  void recordNanos(long nanos) {
    histogram.recordValue(Math.max(1, nanos / 1_000));
  }

  long count() {
    return histogram.getTotalCount();
  }

  double percentileMillis(double p) {
    return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1_000.0;
  }

  double maxMillis() {
    return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0;
  }

  /** p50/p95/p99/max in milliseconds and the sample count, as the report shows them. */
  Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count());
    m.put("p50Ms", round(percentileMillis(50)));
    m.put("p95Ms", round(percentileMillis(95)));
    m.put("p99Ms", round(percentileMillis(99)));
    m.put("maxMs", round(maxMillis()));
    return m;
  }

  static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 100.0) / 100.0;
  }
}
