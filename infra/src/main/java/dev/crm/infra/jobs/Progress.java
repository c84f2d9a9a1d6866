package dev.crm.infra.jobs;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * How far long work has come: percent of the total, the average rate since it started (work that
 * commits in large batches makes short-window rates jump between zero and twice the real one), and
 * the time left at that rate. Rate and ETA are null until a second has passed and something is
 * done.
 */
public record Progress(double percent, Double perSecond, Double etaSeconds) {

  public static Progress of(long done, long total, OffsetDateTime startedAt, OffsetDateTime now) {
    double percent = total <= 0 ? 0.0 : Math.min(100.0, round(done * 100.0 / total));
    if (startedAt == null || done <= 0) {
      return new Progress(percent, null, null);
    }
    double seconds = Duration.between(startedAt, now).toMillis() / 1000.0;
    if (seconds < 1) {
      return new Progress(percent, null, null);
    }
    double rate = round(done / seconds);
    return new Progress(percent, rate, round(Math.max(0, total - done) / (done / seconds)));
  }

  /** The same progress, with no ETA (work that is paused or finishing has no time left to tell). */
  public Progress withoutEta() {
    return new Progress(percent, perSecond, null);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
