package dev.crm.command.imports;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Backpressure for imports: interactive API requests report their latency here, and before each
 * batch an import asks how big the batch may be and how long to pause first. While the p95 of the
 * requests of the last quarter second is above the target, the pressure level rises one step: each
 * step halves the batch (down to a floor) and doubles the pause (from 25 ms up to a ceiling). While
 * they are under the target, it falls step by step back to full batches without pauses. An import
 * then takes the CPU that interactive traffic leaves, in bursts short enough not to hold other
 * tenants' requests up, instead of pushing every other tenant past its latency target.
 *
 * <p>The level and pause are exported as {@code crm.imports.pressure} and {@code crm.imports.pause}
 * (milliseconds).
 */
@Component
public class ImportPacing {
  static final long FIRST_PAUSE_MILLIS = 25;
  static final int MIN_BATCH = 100;

  /** Fewer requests than this since the last batch say nothing about their latency. */
  static final int MIN_SAMPLES = 5;

  static final long WINDOW_NANOS = 250_000_000L;

  private final Recorder interactive = new Recorder(3);
  private final long targetMicros;
  private final long maxPauseMillis;
  private final int maxLevel;
  private Histogram interval;
  private volatile int level;
  private final LongSupplier nanoClock;
  private long lastLook;

  @Autowired
  public ImportPacing(
      @Value("${crm.imports.backpressure.target-p95:PT0.01S}") Duration target,
      @Value("${crm.imports.backpressure.max-pause:PT0.25S}") Duration maxPause,
      MeterRegistry meters) {
    this(target, maxPause, meters, System::nanoTime);
  }

  ImportPacing(Duration target, Duration maxPause, MeterRegistry meters, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastLook = nanoClock.getAsLong();
    this.targetMicros = target.toNanos() / 1_000;
    this.maxPauseMillis = maxPause.toMillis();
    int steps = 1;
    while ((FIRST_PAUSE_MILLIS << (steps - 1)) < maxPauseMillis) {
      steps++;
    }
    this.maxLevel = steps;
    Gauge.builder("crm.imports.pressure", this, p -> p.level)
        .description("import backpressure level from interactive API latency (0 = none)")
        .register(meters);
    Gauge.builder("crm.imports.pause", this, p -> p.pauseMillis(p.level))
        .description("pause before each import batch")
        .baseUnit("milliseconds")
        .register(meters);
  }

  /** Called for every interactive API request when it has been answered. */
  public void recordInteractive(long nanos) {
    interactive.recordValue(Math.max(1, nanos / 1_000));
  }

  /** What the next batch may be, adjusted by the interactive latency of the last window. */
  record Step(int batchSize, long pauseMillis) {}

  synchronized Step next(int fullBatch) {
    long now = nanoClock.getAsLong();
    // Small batches come fast: judge latency over a window, not over a handful of requests.
    if (now - lastLook >= WINDOW_NANOS) {
      lastLook = now;
      interval = interactive.getIntervalHistogram(interval);
      boolean slow =
          interval.getTotalCount() >= MIN_SAMPLES
              && interval.getValueAtPercentile(95) > targetMicros;
      level = slow ? Math.min(maxLevel, level + 1) : Math.max(0, level - 1);
    }
    return new Step(
        Math.max(Math.min(MIN_BATCH, fullBatch), fullBatch >> level), pauseMillis(level));
  }

  private long pauseMillis(int atLevel) {
    return atLevel == 0 ? 0 : Math.min(maxPauseMillis, FIRST_PAUSE_MILLIS << (atLevel - 1));
  }

  /** Sleeps the pause before the next batch and answers its size. */
  int beforeBatch(int fullBatch) {
    Step step = next(fullBatch);
    if (step.pauseMillis() > 0) {
      try {
        Thread.sleep(step.pauseMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return step.batchSize();
  }
}
