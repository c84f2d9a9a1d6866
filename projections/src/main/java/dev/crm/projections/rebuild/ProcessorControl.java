package dev.crm.projections.rebuild;

import static dev.crm.db.jooq.Tables.PROCESSOR_CONTROL;
import static org.jooq.impl.DSL.name;

import dev.crm.infra.axon.TokenTable;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Pauses and resumes an event processor on every node. Without Axon Server there is no cluster-wide
 * processor control, so the wish is a row in PostgreSQL ({@code processor_control}) that every node
 * polls: a node stops its share of a listed processor, which releases its segments in the token
 * store, and starts it again once the row is gone. {@link #pause} returns once no node holds a
 * segment, so the caller may then change the processor's tokens.
 */
@Component
public class ProcessorControl {
  private static final Logger log = LoggerFactory.getLogger(ProcessorControl.class);

  /** Axon's JDBC token store lets a claim lapse after 10 s; a little more, for clock skew. */
  private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(15);

  private final DSLContext db;
  private final EventProcessingConfiguration processing;

  /** Processors this node stopped because of a row, and must start again when it goes. */
  private final Set<String> pausedHere = ConcurrentHashMap.newKeySet();

  public ProcessorControl(DSLContext db, EventProcessingConfiguration processing) {
    this.db = db;
    this.processing = processing;
  }

  /**
   * Pauses {@code processor} on every node and waits until none holds a segment; false if some node
   * still held one after {@code timeout} (it may be dead: its claims expire by themselves).
   */
  public boolean pause(String processor, String reason, Duration timeout)
      throws InterruptedException {
    db.insertInto(PROCESSOR_CONTROL)
        .set(PROCESSOR_CONTROL.PROCESSOR, processor)
        .set(PROCESSOR_CONTROL.REASON, reason)
        .set(PROCESSOR_CONTROL.PAUSED_AT, OffsetDateTime.now())
        .onConflictDoNothing()
        .execute();
    sync();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (claimedSegments(processor) == 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return claimedSegments(processor) == 0;
  }

  /** Lets every node run {@code processor} again. */
  public void resume(String processor) {
    db.deleteFrom(PROCESSOR_CONTROL).where(PROCESSOR_CONTROL.PROCESSOR.eq(processor)).execute();
    sync();
  }

  public boolean isPaused(String processor) {
    return db.fetchExists(PROCESSOR_CONTROL, PROCESSOR_CONTROL.PROCESSOR.eq(processor));
  }

  /**
   * Segments of {@code processor} a live node holds a claim on. A claim not renewed for {@code
   * CLAIM_TIMEOUT} belongs to a node that died (a live one renews every few seconds): the token
   * store only clears it when another node claims the segment, which no node does while paused.
   */
  public int claimedSegments(String processor) {
    String fresh = DateTimeUtils.formatInstant(Instant.now().minus(CLAIM_TIMEOUT));
    return db.fetchCount(
        TokenTable.TOKENS,
        TokenTable.PROCESSOR
            .eq(processor)
            .and(TokenTable.OWNER.isNotNull())
            .and(TokenTable.TIMESTAMP.gt(fresh)));
  }

  /** Applies the table's wishes to this node's processors. */
  @Scheduled(fixedDelayString = "${crm.processors.control-poll:PT1S}")
  public synchronized void sync() {
    Set<String> paused =
        Set.copyOf(
            db.select(PROCESSOR_CONTROL.PROCESSOR)
                .from(PROCESSOR_CONTROL)
                .fetch(PROCESSOR_CONTROL.PROCESSOR));
    for (String name : paused) {
      processing
          .eventProcessor(name, StreamingEventProcessor.class)
          .ifPresent(
              p -> {
                if (p.isRunning()) {
                  log.info("Pausing processor {} on this node", name);
                  p.shutdownAsync().join();
                }
                pausedHere.add(name);
              });
    }
    for (String name : Set.copyOf(pausedHere)) {
      if (!paused.contains(name)) {
        processing
            .eventProcessor(name, StreamingEventProcessor.class)
            .ifPresent(
                p -> {
                  log.info("Resuming processor {} on this node", name);
                  p.start();
                });
        pausedHere.remove(name);
      }
    }
  }
}
