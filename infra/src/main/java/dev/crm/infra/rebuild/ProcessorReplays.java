package dev.crm.infra.rebuild;

import java.util.Optional;

/**
 * In-place replays and cluster-wide pause and resume of the application's event processors: what
 * the operations API drives. The projections module implements it.
 */
public interface ProcessorReplays {
  /** When a processor's replay began and the head it replays up to. */
  record Replay(String processor, long headAtStart, java.time.OffsetDateTime startedAt) {}

  /** Whether the application has a streaming processor of this name. */
  boolean exists(String processor);

  /**
   * Replays {@code processor} from the first event: pauses it on every node, resets its tokens
   * (Axon's replay tokens: handlers see the events again, flagged as a replay), and resumes it.
   */
  Replay replay(String processor) throws InterruptedException;

  /** The last replay of {@code processor}, if it had one. */
  Optional<Replay> lastReplay(String processor);

  /** Pauses the processor on every node; false if some node still held a segment after 60 s. */
  boolean pause(String processor) throws InterruptedException;

  /** Lets every node run the processor again. */
  void resume(String processor);

  boolean isPaused(String processor);

  /** The processor is paused (by an operator, or by a rebuild's switch): resume it first. */
  final class AlreadyPaused extends RuntimeException {
    public AlreadyPaused(String processor) {
      super(processor + " is paused; resume it before replaying it", null, false, false);
    }
  }
}
