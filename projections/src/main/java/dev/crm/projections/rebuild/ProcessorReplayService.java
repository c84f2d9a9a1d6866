package dev.crm.projections.rebuild;

import static dev.crm.db.jooq.Tables.PROCESSOR_REPLAY;

import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.infra.cache.ReadCache;
import dev.crm.infra.rebuild.ProcessorReplays;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Replays a processor in place: paused on every node ({@link ProcessorControl}), its tokens reset
 * by Axon ({@code resetTokens}: replay tokens that remember where the processor stood), resumed.
 * The handlers see every event again as a replay: the read tables' version guard makes an event a
 * row already has a no-op and re-creates rows that went missing, and cache invalidation skips
 * replays. Reads keep being answered from the tables throughout.
 */
@Component
public class ProcessorReplayService implements ProcessorReplays {
  private static final Logger log = LoggerFactory.getLogger(ProcessorReplayService.class);

  private final DSLContext db;
  private final EventProcessingConfiguration processing;
  private final ProcessorControl control;
  private final ReadModelPositions positions;
  private final ReadCache cache;

  public ProcessorReplayService(
      DSLContext db,
      EventProcessingConfiguration processing,
      ProcessorControl control,
      ReadModelPositions positions,
      ReadCache cache) {
    this.cache = cache;
    this.db = db;
    this.processing = processing;
    this.control = control;
    this.positions = positions;
  }

  @Override
  public boolean exists(String processor) {
    return processing.eventProcessor(processor, StreamingEventProcessor.class).isPresent();
  }

  @Override
  public synchronized Replay replay(String processor) throws InterruptedException {
    StreamingEventProcessor p =
        processing.eventProcessor(processor, StreamingEventProcessor.class).orElseThrow();
    if (control.isPaused(processor)) {
      // Paused by an operator or a rebuild's switch: a replay would resume it when done.
      throw new AlreadyPaused(processor);
    }
    if (!control.pause(processor, "replay", Duration.ofSeconds(60))) {
      control.resume(processor);
      throw new IllegalStateException(processor + " did not pause on every node in 60 s");
    }
    try {
      long head = positions.head();
      p.resetTokens();
      OffsetDateTime now = OffsetDateTime.now();
      db.insertInto(PROCESSOR_REPLAY)
          .set(PROCESSOR_REPLAY.PROCESSOR, processor)
          .set(PROCESSOR_REPLAY.HEAD_AT_START, head)
          .set(PROCESSOR_REPLAY.STARTED_AT, now)
          .onConflict(PROCESSOR_REPLAY.PROCESSOR)
          .doUpdate()
          .set(PROCESSOR_REPLAY.HEAD_AT_START, head)
          .set(PROCESSOR_REPLAY.STARTED_AT, now)
          .setNull(PROCESSOR_REPLAY.FINISHED_AT)
          .execute();
      log.info("Replaying {} from the first event (head {})", processor, head);
      return new Replay(processor, head, now);
    } finally {
      control.resume(processor);
    }
  }

  /**
   * Every node, every few seconds: a replay none of whose segments replays any more is finished;
   * the first node to notice retires every cached read once (a replay retires nothing while it
   * runs, and a repair changes rows no cached answer knows about).
   */
  @Scheduled(fixedDelayString = "${crm.processors.replay-poll:PT2S}")
  public void finishReplays() {
    for (String processor :
        db.select(PROCESSOR_REPLAY.PROCESSOR)
            .from(PROCESSOR_REPLAY)
            .where(PROCESSOR_REPLAY.FINISHED_AT.isNull())
            .fetch(PROCESSOR_REPLAY.PROCESSOR)) {
      var segments = positions.segments(processor);
      if (segments.isEmpty() || segments.stream().anyMatch(s -> s.replaying())) {
        continue;
      }
      int finished =
          db.update(PROCESSOR_REPLAY)
              .set(PROCESSOR_REPLAY.FINISHED_AT, OffsetDateTime.now())
              .where(
                  PROCESSOR_REPLAY.PROCESSOR.eq(processor), PROCESSOR_REPLAY.FINISHED_AT.isNull())
              .execute();
      if (finished == 1) {
        log.info("Replay of {} finished", processor);
        cache.retireAll("replay of " + processor + " finished");
      }
    }
  }

  @Override
  public Optional<Replay> lastReplay(String processor) {
    return db.selectFrom(PROCESSOR_REPLAY)
        .where(PROCESSOR_REPLAY.PROCESSOR.eq(processor))
        .fetchOptional(r -> new Replay(r.getProcessor(), r.getHeadAtStart(), r.getStartedAt()));
  }

  @Override
  public boolean pause(String processor) throws InterruptedException {
    return control.pause(processor, "paused by an operator", Duration.ofSeconds(60));
  }

  @Override
  public void resume(String processor) {
    control.resume(processor);
  }

  @Override
  public boolean isPaused(String processor) {
    return control.isPaused(processor);
  }
}
