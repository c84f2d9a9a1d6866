package dev.crm.command.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.command.imports.ImportPacing.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An import takes smaller batches with longer pauses while interactive requests are slow, and
 * returns to full speed after.
 */
class ImportPacingTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private long now;
  private final ImportPacing pacing =
      new ImportPacing(Duration.ofMillis(25), Duration.ofMillis(200), meters, () -> now);

  /** {@code count} requests of {@code millis} each, then the next batch a window later. */
  private Step after(int count, long millis) {
    for (int i = 0; i < count; i++) {
      pacing.recordInteractive(millis * 1_000_000);
    }
    now += ImportPacing.WINDOW_NANOS;
    return pacing.next(500);
  }

  @Test
  void judgesLatencyOnlyOnceAWindowHasPassed() {
    for (int i = 0; i < 100; i++) {
      pacing.recordInteractive(80_000_000);
    }
    assertThat(pacing.next(500)).isEqualTo(new Step(500, 0));
    now += ImportPacing.WINDOW_NANOS;
    assertThat(pacing.next(500)).isEqualTo(new Step(250, 25));
  }

  @Test
  void runsFullBatchesWithoutPausesWhileInteractiveRequestsAreFast() {
    assertThat(after(100, 5)).isEqualTo(new Step(500, 0));
  }

  @Test
  void slowInteractiveRequestsShrinkBatchesAndLengthenPausesUpToTheCeiling() {
    assertThat(after(100, 80)).isEqualTo(new Step(250, 25));
    assertThat(after(100, 80)).isEqualTo(new Step(125, 50));
    assertThat(after(100, 80)).isEqualTo(new Step(100, 100));
    assertThat(after(100, 80)).isEqualTo(new Step(100, 200));
    assertThat(after(100, 80)).isEqualTo(new Step(100, 200));
    assertThat(meters.get("crm.imports.pause").gauge().value()).isEqualTo(200);
    assertThat(meters.get("crm.imports.pressure").gauge().value()).isEqualTo(4);
  }

  @Test
  void recoversStepByStepOnceRequestsAreFastAgainAndIgnoresTooFewSamples() {
    after(100, 80);
    assertThat(after(100, 80)).isEqualTo(new Step(125, 50));
    assertThat(after(100, 5)).isEqualTo(new Step(250, 25));
    assertThat(after(2, 500)).isEqualTo(new Step(500, 0));
    assertThat(meters.get("crm.imports.pressure").gauge().value()).isZero();
  }
}
