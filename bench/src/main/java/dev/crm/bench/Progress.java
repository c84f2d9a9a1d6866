package dev.crm.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line of progress for long work: done/total, rate and ETA, printed at most every two seconds
 * and once at the end, so a terminal and a log file both show how far a run is.
 */
final class Progress {
  private static final long EVERY_NANOS = 2_000_000_000L;

  private final String label;
  private final long total;
  private final PrintStream out;
  private final long started = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private volatile long lastPrint = started;

  Progress(String label, long total, PrintStream out) {
    this.label = label;
    this.total = total;
    this.out = out;
  }

  void add(long n) {
    done.addAndGet(n);
    maybePrint();
  }

  /** For work whose count comes from elsewhere, such as an import job's own counters. */
  void set(long value) {
    done.set(value);
    maybePrint();
  }

  private void maybePrint() {
    long now = System.nanoTime();
    if (now - lastPrint >= EVERY_NANOS) {
      lastPrint = now;
      out.println(line(now));
    }
  }

  void finish() {
    out.println(line(System.nanoTime()) + " done");
  }

  String line(long now) {
    long d = done.get();
    double secs = Math.max(1e-9, (now - started) / 1e9);
    double rate = d / secs;
    String eta =
        rate > 0 && d < total ? String.format(Locale.ROOT, "%.0fs", (total - d) / rate) : "-";
    return String.format(
        Locale.ROOT,
        "[%s] %,d/%,d (%.0f%%) %.0f/s elapsed %.0fs ETA %s",
        label,
        d,
        total,
        total == 0 ? 100.0 : 100.0 * d / total,
        rate,
        secs,
        eta);
  }
}
