package dev.crm.projections.rebuild;

import static dev.crm.db.jooq.Tables.READ_MODEL_REBUILD;

import dev.crm.db.jooq.tables.records.ReadModelRebuildRecord;
import dev.crm.infra.axon.TokenTable;
import dev.crm.infra.rebuild.ReadModelRebuilds;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.async.SequentialPerAggregatePolicy;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A blue/green rebuild of one read model from the events, while the serving version keeps
 * answering. What is built (indexes, tables) is the subclass's; the steps are the same:
 *
 * <ol>
 *   <li><b>Build beside.</b> {@link #prepare} makes the new version, and a processor of the
 *       rebuild's own replays every event into it in large batches. Every node runs it while the
 *       rebuild is {@code building}; its segments are claimed through the token store like any
 *       processor's, so a node that dies leaves its segments to the others, and a restarted node
 *       goes on where they stopped. Its handlers ({@link #handlers}) are second instances of the
 *       projections writing into the new version, with no cache invalidation registered: a replay
 *       sends nothing outward.
 *   <li><b>Switch</b>, once it is within {@code switch-lag} events of the head, by one node
 *       (claimed under a lease): {@link #beforeSwitch} (work best done before readers wait, such as
 *       building secondary indexes); the serving processors are paused on every node ({@link
 *       ProcessorControl}); the rebuild catches up with the head; it stops; {@link #swap} moves
 *       readers to the new version in one atomic step; the rebuild's tokens become the serving
 *       processors'; every cached read is retired (a new cache epoch); the serving processors
 *       resume on every node from where the rebuild stopped, writing into the new version.
 *   <li><b>Drop</b> the old version ({@link #drop}).
 * </ol>
 *
 * Any failure before the swap resumes the serving processors on the old version and drops what the
 * rebuild made; a node that dies after the swap leaves the switch to be finished by another (its
 * claim lapses after 10 minutes), never undone.
 */
public abstract class BlueGreenRebuild implements ReadModelRebuilds, DisposableBean {
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  protected final Logger log = LoggerFactory.getLogger(getClass());
  protected final DSLContext db;
  private final RebuildParts parts;
  private final String readModel;
  private final String processor;
  private final List<String> serving;
  private final int segments;
  private final String nodeId =
      ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();
  private StreamingEventProcessor running;
  private String runningId;

  /** Switches run off the scheduler's thread, which the other scheduled work shares. */
  private final ExecutorService switcher;

  private volatile boolean switching;

  /**
   * @param processor the rebuild's processor
   * @param serving the processors that write the serving version
   */
  protected BlueGreenRebuild(
      RebuildParts parts, String readModel, String processor, List<String> serving) {
    this.parts = parts;
    this.db = parts.db();
    this.readModel = readModel;
    this.processor = processor;
    this.serving = List.copyOf(serving);
    this.segments = parts.segments();
    this.switcher =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name(processor + "-switch").factory());
  }

  /** Makes the new version (empty) for rebuild {@code id}. */
  protected abstract void prepare(String id) throws IOException;

  /** The event handlers that write rebuild {@code id}'s new version. */
  protected abstract List<Object> handlers(String id);

  /** How the rebuild's events are split into segments: the serving processors' policy. */
  protected SequencingPolicy<? super EventMessage<?>> sequencingPolicy() {
    return SequentialPerAggregatePolicy.instance();
  }

  /**
   * Whether readers already moved to rebuild {@code id}'s version: a node that died between the
   * swap and the record of it leaves the switch to another, which must not run the steps before the
   * swap again.
   */
  protected abstract boolean swapped(String id) throws IOException;

  /** Runs once the rebuild is close to the head, before the serving processors pause. */
  protected void beforeSwitch(String id) throws IOException {}

  /**
   * Moves readers to the new version in one atomic step and answers the names of the version it
   * retired. Runs again if a node died between it and the record of it: then it finds the swap done
   * and answers the same names.
   */
  protected abstract Set<String> swap(String id) throws IOException;

  /** Runs after the swap, before the serving processors resume. */
  protected void afterSwap(String id) {}

  /** Drops the retired version. */
  protected abstract void drop(Set<String> retired) throws IOException;

  /** Drops what a failed rebuild made, unless it serves. */
  protected abstract void dropUnserved(String id) throws IOException;

  @Override
  public String readModel() {
    return readModel;
  }

  /** Starts a rebuild; this node begins at once, the others within a poll. */
  @Override
  public synchronized ReadModelRebuildRecord start() throws IOException {
    Optional<ReadModelRebuildRecord> active = active();
    if (active.isPresent()) {
      throw new AlreadyRunning(readModel, active.get().getId());
    }
    String id =
        OffsetDateTime.now().format(ID) + "-" + UUID.randomUUID().toString().substring(0, 6);
    OffsetDateTime now = OffsetDateTime.now();
    long head = parts.positions().head();
    try {
      // A rebuild starts from the first event: tokens a failed one left behind go, in the
      // transaction that makes the rebuild visible to the nodes that will run it.
      db.transaction(
          tx -> {
            tx.dsl()
                .deleteFrom(TokenTable.TOKENS)
                .where(TokenTable.PROCESSOR.eq(processor))
                .execute();
            tx.dsl()
                .insertInto(READ_MODEL_REBUILD)
                .set(READ_MODEL_REBUILD.ID, id)
                .set(READ_MODEL_REBUILD.READ_MODEL, readModel)
                .set(READ_MODEL_REBUILD.STATE, "building")
                .set(READ_MODEL_REBUILD.PROCESSOR, processor)
                .set(READ_MODEL_REBUILD.HEAD_AT_START, head)
                .set(READ_MODEL_REBUILD.STARTED_AT, now)
                .set(READ_MODEL_REBUILD.UPDATED_AT, now)
                .execute();
          });
    } catch (org.jooq.exception.DataAccessException e) {
      // The unique index on the active rebuild: another start won.
      throw new AlreadyRunning(readModel, active().map(ReadModelRebuildRecord::getId).orElse("?"));
    }
    try {
      // Until the new version exists, a node's rebuild batches fail and are retried.
      prepare(id);
    } catch (IOException | RuntimeException e) {
      fail(find(id).orElseThrow(), e);
      throw e;
    }
    log.info("Rebuild {} of {} started", id, readModel);
    poll();
    return find(id).orElseThrow();
  }

  @Override
  public Optional<ReadModelRebuildRecord> find(String id) {
    return db.selectFrom(READ_MODEL_REBUILD)
        .where(READ_MODEL_REBUILD.ID.eq(id), READ_MODEL_REBUILD.READ_MODEL.eq(readModel))
        .fetchOptional();
  }

  @Override
  public List<ReadModelRebuildRecord> list() {
    return db.selectFrom(READ_MODEL_REBUILD)
        .where(READ_MODEL_REBUILD.READ_MODEL.eq(readModel))
        .orderBy(READ_MODEL_REBUILD.STARTED_AT.desc())
        .limit(50)
        .fetch();
  }

  private Optional<ReadModelRebuildRecord> active() {
    return db.selectFrom(READ_MODEL_REBUILD)
        .where(
            READ_MODEL_REBUILD.READ_MODEL.eq(readModel),
            READ_MODEL_REBUILD.STATE.in("building", "paused", "switching"))
        .fetchOptional();
  }

  /** Pauses a building rebuild on every node (its position is kept); false if not building. */
  @Override
  public synchronized boolean pause(String id) {
    boolean paused = setState(id, "building", "paused") == 1;
    poll();
    return paused;
  }

  /** Resumes a paused rebuild; false if it was not paused. */
  @Override
  public synchronized boolean resume(String id) {
    boolean resumed = setState(id, "paused", "building") == 1;
    poll();
    return resumed;
  }

  @Override
  public synchronized boolean cancel(String id) {
    Optional<ReadModelRebuildRecord> r =
        find(id).filter(x -> x.getState().equals("building") || x.getState().equals("paused"));
    if (r.isEmpty() || setState(id, r.get().getState(), "failed") != 1) {
      return false;
    }
    fail(r.get(), new IllegalStateException("cancelled by an operator"));
    poll();
    return true;
  }

  /** Where the rebuild's processor stands: the lowest position its segments committed. */
  @Override
  public OptionalLong position() {
    return parts.positions().committed(processor);
  }

  /**
   * Every node: runs the rebuild processor while a rebuild is building, stops it otherwise, and
   * switches a rebuild that caught up.
   */
  @Scheduled(fixedDelayString = "${crm.rebuild.poll:PT1S}")
  public synchronized void poll() {
    if (switching) {
      return;
    }
    Optional<ReadModelRebuildRecord> active = active();
    String building =
        active
            .filter(r -> r.getState().equals("building"))
            .map(ReadModelRebuildRecord::getId)
            .orElse(null);
    if (building == null || !building.equals(runningId)) {
      stopLocal();
    }
    if (active.isEmpty()) {
      return;
    }
    ReadModelRebuildRecord r = active.get();
    try {
      if (building != null) {
        if (running == null) {
          startLocal(building);
        }
        OptionalLong at = position();
        if (at.isPresent()
            && parts.positions().head() - at.getAsLong() <= parts.switchLag()
            && claimSwitch(r)) {
          switchInBackground(r);
        }
      } else if (r.getState().equals("switching") && claimSwitch(r)) {
        // A node died while switching: the steps are safe to run again.
        switchInBackground(r);
      }
    } catch (RuntimeException e) {
      // A database or cluster that does not answer for a moment fails no rebuild: the next poll
      // tries again.
      log.warn("Rebuild {} of {}: {}", r.getId(), readModel, e.toString());
    }
  }

  private void switchInBackground(ReadModelRebuildRecord r) {
    switching = true;
    switcher.submit(
        () -> {
          try {
            switchOver(r);
          } catch (IOException | RuntimeException e) {
            log.error("Rebuild {} of {} failed while switching", r.getId(), readModel, e);
            // The serving processors run again whatever step failed: before the swap on the old
            // version from their own positions, after it on the new one.
            resumeServing();
            try {
              fail(r, e);
            } catch (RuntimeException recording) {
              log.error("Rebuild {}: its failure was not recorded", r.getId(), recording);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resumeServing();
          } finally {
            switching = false;
          }
        });
  }

  /**
   * The rebuild's processor: Axon's tracking processor, one thread per segment, each reading the
   * events itself and handling its segment's in batches of {@code batch-size}. Not the pooled one
   * the serving processors use: that one's coordinator thread queues every event for every segment
   * and counts each queue by walking it before every event, and a batch is whatever a queue held (a
   * few hundred events); on two cores a rebuild of a million events took half as long again that
   * way (README, "Blue/green rebuilds").
   */
  private synchronized void startLocal(String id) {
    @SuppressWarnings("unchecked")
    StreamableMessageSource<TrackedEventMessage<?>> source =
        (StreamableMessageSource<TrackedEventMessage<?>>)
            (StreamableMessageSource<?>) parts.eventStore();
    running =
        TrackingEventProcessor.builder()
            .name(processor)
            .eventHandlerInvoker(
                SimpleEventHandlerInvoker.builder()
                    .eventHandlers(handlers(id))
                    .sequencingPolicy(sequencingPolicy())
                    .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                    .build())
            .errorHandler(PropagatingErrorHandler.instance())
            .messageSource(source)
            .tokenStore(parts.tokenStore())
            .transactionManager(parts.transactions())
            .trackingEventProcessorConfiguration(
                TrackingEventProcessorConfiguration.forParallelProcessing(segments)
                    .andInitialSegmentsCount(segments)
                    .andBatchSize(parts.batchSize())
                    .andInitialTrackingToken(StreamableMessageSource::createTailToken)
                    .andThreadFactory(
                        name -> Thread.ofPlatform().daemon().name(processor + "-", 0).factory()))
            .build();
    running.start();
    runningId = id;
    log.info("Rebuild {} of {}: this node runs {}", id, readModel, processor);
  }

  private synchronized void stopLocal() {
    if (running != null) {
      running.shutdownAsync().join();
      log.info("Rebuild {} of {}: this node stopped {}", runningId, readModel, processor);
      running = null;
      runningId = null;
    }
  }

  private boolean claimSwitch(ReadModelRebuildRecord r) {
    OffsetDateTime now = OffsetDateTime.now();
    return db.update(READ_MODEL_REBUILD)
            .set(READ_MODEL_REBUILD.STATE, "switching")
            .set(READ_MODEL_REBUILD.SWITCH_OWNER, nodeId)
            .set(READ_MODEL_REBUILD.SWITCH_UNTIL, now.plusMinutes(10))
            .set(READ_MODEL_REBUILD.UPDATED_AT, now)
            .where(READ_MODEL_REBUILD.ID.eq(r.getId()))
            .and(
                READ_MODEL_REBUILD
                    .STATE
                    .eq("building")
                    .or(
                        READ_MODEL_REBUILD
                            .STATE
                            .eq("switching")
                            .and(READ_MODEL_REBUILD.SWITCH_UNTIL.lt(now))))
            .execute()
        == 1;
  }

  private void switchOver(ReadModelRebuildRecord r) throws IOException, InterruptedException {
    String id = r.getId();
    log.info("Rebuild {} of {}: switching", id, readModel);
    if (r.getSwitchedAt() == null) {
      if (swapped(id)) {
        // A node died after the swap, before recording it: the serving processors are still
        // paused (their rows in processor_control stay until resumed); only the record is missing.
        stopLocal();
      } else {
        if (running == null) {
          startLocal(id);
        }
        beforeSwitch(id);
        renewSwitch(id);
        // 1. No serving batch runs from here on: their positions stay put.
        for (String p : serving) {
          if (!parts.control().pause(p, "rebuild " + id + " switching", Duration.ofSeconds(60))) {
            throw new IllegalStateException(p + " did not pause on every node in 60 s");
          }
        }
        // 2. The rebuild catches up with the head (nothing new reaches the serving version).
        long head = parts.positions().head();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (position().orElse(-1) < head) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the rebuild did not reach the head in 5 minutes");
          }
          Thread.sleep(100);
        }
        // 3. It stops on every node (they see 'switching').
        stopLocal();
        awaitReleased();
        renewSwitch(id);
      }
      // 4. Readers move to the new version at once. From here on it serves: a node that dies
      // later leaves the switch to be finished, never undone.
      Set<String> retired = swap(id);
      OffsetDateTime now = OffsetDateTime.now();
      db.update(READ_MODEL_REBUILD)
          .set(READ_MODEL_REBUILD.SWITCHED_AT, now)
          .set(READ_MODEL_REBUILD.RETIRED, String.join(",", retired))
          .set(READ_MODEL_REBUILD.UPDATED_AT, now)
          .where(READ_MODEL_REBUILD.ID.eq(id))
          .execute();
      r = find(id).orElseThrow();
    }
    // 5. The serving processors go on from where the rebuild stopped, into the new version; had
    // they gone on from their own positions instead, they would only apply again what the new
    // version holds (versions make that a no-op), never skip anything.
    afterSwap(id);
    takeOverTokens();
    parts.cache().retireAll(readModel + " rebuilt");
    serving.forEach(parts.control()::resume);
    // 6. The old version goes.
    if (r.getRetired() != null && !r.getRetired().isBlank()) {
      try {
        drop(Set.of(r.getRetired().split(",")));
      } catch (IOException | RuntimeException e) {
        log.warn("Rebuild {}: old {} not dropped: {}", id, r.getRetired(), e.toString());
      }
    }
    OffsetDateTime now = OffsetDateTime.now();
    db.update(READ_MODEL_REBUILD)
        .set(READ_MODEL_REBUILD.STATE, "completed")
        .set(READ_MODEL_REBUILD.FINISHED_AT, now)
        .set(READ_MODEL_REBUILD.UPDATED_AT, now)
        .setNull(READ_MODEL_REBUILD.SWITCH_OWNER)
        .setNull(READ_MODEL_REBUILD.SWITCH_UNTIL)
        .where(READ_MODEL_REBUILD.ID.eq(id), READ_MODEL_REBUILD.SWITCH_OWNER.eq(nodeId))
        .execute();
    log.info("Rebuild {} of {} completed", id, readModel);
  }

  /** The serving processors run again on every node; one that cannot be resumed stops no other. */
  private void resumeServing() {
    for (String p : serving) {
      try {
        parts.control().resume(p);
      } catch (RuntimeException e) {
        log.error("Rebuild of {}: {} was not resumed; resume it by hand", readModel, p, e);
      }
    }
  }

  /** Extends this node's claim on the switch between its long steps. */
  private void renewSwitch(String id) {
    OffsetDateTime now = OffsetDateTime.now();
    db.update(READ_MODEL_REBUILD)
        .set(READ_MODEL_REBUILD.SWITCH_UNTIL, now.plusMinutes(10))
        .set(READ_MODEL_REBUILD.UPDATED_AT, now)
        .where(READ_MODEL_REBUILD.ID.eq(id), READ_MODEL_REBUILD.SWITCH_OWNER.eq(nodeId))
        .execute();
  }

  /** Waits until no node holds a segment of the rebuild (each stops it at its next poll). */
  private void awaitReleased() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (parts.control().claimedSegments(processor) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(processor + " did not stop on every node in 60 s");
      }
      Thread.sleep(100);
    }
  }

  /**
   * Every segment of every serving processor goes on from the lowest position any of the rebuild's
   * segments reached (their lower bound, gaps included), in one transaction; nothing to do when an
   * earlier attempt at the switch already handed them over. The rebuild may have more segments than
   * the serving processors: events between the lowest and the highest rebuild position are applied
   * again, which the version guards make a no-op; after the catch-up with the writes paused, all of
   * them stand at the head anyway.
   */
  private void takeOverTokens() {
    var tokens = TokenTable.TOKENS;
    var token = TokenTable.TOKEN;
    var tokenType = TokenTable.TOKEN_TYPE;
    var owner = TokenTable.OWNER;
    db.transaction(
        tx -> {
          DSLContext t = tx.dsl();
          var rows =
              t.select(token, tokenType).from(tokens).where(TokenTable.PROCESSOR.eq(processor));
          TrackingToken lowest = null;
          boolean first = true;
          for (var row : rows.fetch()) {
            TrackingToken segmentToken =
                row.value1() == null
                    ? null
                    : parts
                        .serializer()
                        .deserialize(
                            new SimpleSerializedObject<>(
                                row.value1(), byte[].class, row.value2(), null));
            lowest =
                first
                    ? segmentToken
                    : lowest == null || segmentToken == null
                        ? null
                        : lowest.lowerBound(segmentToken);
            first = false;
          }
          if (first) {
            return; // handed over by an earlier attempt
          }
          SerializedObject<byte[]> serialized =
              lowest == null ? null : parts.serializer().serialize(lowest, byte[].class);
          for (String p : serving) {
            int updated =
                t.update(tokens)
                    .set(token, serialized == null ? null : serialized.getData())
                    .set(tokenType, serialized == null ? null : serialized.getType().getName())
                    .set(owner, (String) null)
                    .where(TokenTable.PROCESSOR.eq(p))
                    .execute();
            if (updated == 0) {
              log.warn("Rebuild of {}: {} has no segments yet; it starts on its own", readModel, p);
            }
          }
          t.deleteFrom(tokens).where(TokenTable.PROCESSOR.eq(processor)).execute();
        });
  }

  private int setState(String id, String from, String to) {
    return db.update(READ_MODEL_REBUILD)
        .set(READ_MODEL_REBUILD.STATE, to)
        .set(READ_MODEL_REBUILD.UPDATED_AT, OffsetDateTime.now())
        .where(READ_MODEL_REBUILD.ID.eq(id), READ_MODEL_REBUILD.STATE.eq(from))
        .execute();
  }

  private void fail(ReadModelRebuildRecord r, Exception e) {
    stopLocal();
    OffsetDateTime now = OffsetDateTime.now();
    db.update(READ_MODEL_REBUILD)
        .set(READ_MODEL_REBUILD.STATE, "failed")
        .set(READ_MODEL_REBUILD.FAILURE, e.getClass().getSimpleName() + ": " + e.getMessage())
        .set(READ_MODEL_REBUILD.FINISHED_AT, now)
        .set(READ_MODEL_REBUILD.UPDATED_AT, now)
        .where(READ_MODEL_REBUILD.ID.eq(r.getId()))
        .execute();
    try {
      dropUnserved(r.getId());
    } catch (IOException | RuntimeException cleanup) {
      log.warn("Rebuild {}: what it made was not dropped: {}", r.getId(), cleanup.toString());
    }
  }

  @Override
  public void destroy() {
    switcher.shutdownNow();
    stopLocal();
  }
}
