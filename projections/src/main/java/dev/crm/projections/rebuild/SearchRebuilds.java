package dev.crm.projections.rebuild;

import static dev.crm.db.jooq.Tables.READ_MODEL_REBUILD;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.crm.db.jooq.tables.records.ReadModelRebuildRecord;
import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.infra.cache.ReadCache;
import dev.crm.infra.rebuild.ReadModelRebuilds;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.projections.search.SearchProjection;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Blue/green rebuilds of the search indexes from the events, while the serving indexes keep
 * answering.
 *
 * <ol>
 *   <li><b>Build beside.</b> New indexes are made behind a rebuild alias (no refresh, no replicas
 *       while they load) and a processor of their own, {@code search-rebuild}, replays every event
 *       into them in large bulks. Every node runs it while the rebuild is {@code building}; its
 *       segments are claimed through the token store like any processor's, so a node that dies
 *       leaves its segments to the others, and a restarted node goes on where they stopped. Its
 *       handlers are a second instance of the search projection with no cache invalidation
 *       registered: a replay sends nothing outward.
 *   <li><b>Switch</b>, once it is within {@code switch-lag} events of the head, by one node: the
 *       serving search processor is paused on every node ({@link ProcessorControl}); the rebuild
 *       catches up with the head; it stops; its tokens become the search processor's; the read and
 *       write aliases move to the new indexes in one atomic update; every cached read is retired (a
 *       new cache epoch); the search processor resumes, on every node, from where the rebuild
 *       stopped, writing into the new indexes. Queries read the old indexes until the alias update
 *       and the new ones after it, never neither; they are at most the switch's few seconds stale.
 *   <li><b>Drop</b> the old indexes.
 * </ol>
 */
@Component
public class SearchRebuilds implements ReadModelRebuilds, DisposableBean {
  public static final String READ_MODEL = "search";
  public static final String PROCESSOR = SearchProjection.GROUP + "-rebuild";
  private static final Logger log = LoggerFactory.getLogger(SearchRebuilds.class);
  private static final Field<String> TOKEN_PROCESSOR = field(name("processorname"), String.class);
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private final DSLContext db;
  private final ElasticsearchClient es;
  private final SearchIndexes indexes;
  private final MeterRegistry meters;
  private final EventStore eventStore;
  private final TokenStore tokenStore;
  private final TransactionManager transactions;
  private final ReadModelPositions positions;
  private final ProcessorControl control;
  private final ReadCache cache;
  private final int segments;
  private final int batchSize;
  private final long switchLag;
  private final String nodeId =
      ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();
  private PooledStreamingEventProcessor running;
  private String runningId;
  private java.util.concurrent.ScheduledExecutorService coordinator;
  private java.util.concurrent.ScheduledExecutorService workers;

  /** Switches run off the scheduler's thread, which the other scheduled work shares. */
  private final java.util.concurrent.ExecutorService switcher =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("search-rebuild-switch").factory());

  private volatile boolean switching;

  public SearchRebuilds(
      DSLContext db,
      ElasticsearchClient es,
      SearchIndexes indexes,
      MeterRegistry meters,
      EventStore eventStore,
      TokenStore tokenStore,
      TransactionManager transactions,
      ReadModelPositions positions,
      ProcessorControl control,
      ReadCache cache,
      @Value("${crm.search.projection.segments:2}") int segments,
      @Value("${crm.rebuild.batch-size:2000}") int batchSize,
      @Value("${crm.rebuild.switch-lag:2000}") long switchLag) {
    this.db = db;
    this.es = es;
    this.indexes = indexes;
    this.meters = meters;
    this.eventStore = eventStore;
    this.tokenStore = tokenStore;
    this.transactions = transactions;
    this.positions = positions;
    this.control = control;
    this.cache = cache;
    this.segments = segments;
    this.batchSize = batchSize;
    this.switchLag = switchLag;
  }

  @Override
  public String readModel() {
    return READ_MODEL;
  }

  /** Starts a rebuild; this node begins at once, the others within a poll. */
  @Override
  public synchronized ReadModelRebuildRecord start() throws IOException {
    Optional<ReadModelRebuildRecord> active = active();
    if (active.isPresent()) {
      throw new AlreadyRunning(READ_MODEL, active.get().getId());
    }
    String id =
        OffsetDateTime.now().format(ID) + "-" + UUID.randomUUID().toString().substring(0, 6);
    OffsetDateTime now = OffsetDateTime.now();
    long head = positions.head();
    try {
      // A rebuild starts from the first event: tokens a failed one left behind go, in the
      // transaction that makes the rebuild visible to the nodes that will run it.
      db.transaction(
          tx -> {
            tx.dsl()
                .deleteFrom(table(name("tokenentry")))
                .where(TOKEN_PROCESSOR.eq(PROCESSOR))
                .execute();
            tx.dsl()
                .insertInto(READ_MODEL_REBUILD)
                .set(READ_MODEL_REBUILD.ID, id)
                .set(READ_MODEL_REBUILD.READ_MODEL, READ_MODEL)
                .set(READ_MODEL_REBUILD.STATE, "building")
                .set(READ_MODEL_REBUILD.PROCESSOR, PROCESSOR)
                .set(READ_MODEL_REBUILD.HEAD_AT_START, head)
                .set(READ_MODEL_REBUILD.STARTED_AT, now)
                .set(READ_MODEL_REBUILD.UPDATED_AT, now)
                .execute();
          });
    } catch (org.jooq.exception.DataAccessException e) {
      // The unique index on the active rebuild: another start won.
      throw new AlreadyRunning(READ_MODEL, active().map(ReadModelRebuildRecord::getId).orElse("?"));
    }
    try {
      // Until the indexes exist, a node's rebuild batches fail and are retried.
      indexes.createRebuild(id);
    } catch (IOException | RuntimeException e) {
      fail(find(id).orElseThrow(), e);
      throw e;
    }
    log.info("Search rebuild {} started", id);
    poll();
    return find(id).orElseThrow();
  }

  @Override
  public Optional<ReadModelRebuildRecord> find(String id) {
    return db.selectFrom(READ_MODEL_REBUILD).where(READ_MODEL_REBUILD.ID.eq(id)).fetchOptional();
  }

  @Override
  public List<ReadModelRebuildRecord> list() {
    return db.selectFrom(READ_MODEL_REBUILD)
        .orderBy(READ_MODEL_REBUILD.STARTED_AT.desc())
        .limit(50)
        .fetch();
  }

  private Optional<ReadModelRebuildRecord> active() {
    return db.selectFrom(READ_MODEL_REBUILD)
        .where(
            READ_MODEL_REBUILD.READ_MODEL.eq(READ_MODEL),
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

  /** Where the rebuild's processor stands: the lowest position its segments committed. */
  @Override
  public OptionalLong position() {
    return positions.committed(PROCESSOR);
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
        if (at.isPresent() && positions.head() - at.getAsLong() <= switchLag && claimSwitch(r)) {
          switchInBackground(r);
        }
      } else if (r.getState().equals("switching") && claimSwitch(r)) {
        // A node died while switching: the steps are safe to run again.
        switchInBackground(r);
      }
    } catch (RuntimeException e) {
      // A database or cluster that does not answer for a moment fails no rebuild: the next poll
      // tries again.
      log.warn("Search rebuild {}: {}", r.getId(), e.toString());
    }
  }

  private void switchInBackground(ReadModelRebuildRecord r) {
    switching = true;
    switcher.submit(
        () -> {
          try {
            switchOver(r);
          } catch (IOException | RuntimeException e) {
            log.error("Search rebuild {} failed while switching", r.getId(), e);
            // Search runs again whatever step failed: before the alias swap on the old indexes
            // from its own position, after it on the new ones.
            control.resume(SearchProjection.GROUP);
            fail(r, e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            switching = false;
          }
        });
  }

  private synchronized void startLocal(String id) {
    SearchProjection projection = SearchProjection.forRebuild(es, indexes, meters);
    @SuppressWarnings("unchecked")
    StreamableMessageSource<TrackedEventMessage<?>> source =
        (StreamableMessageSource<TrackedEventMessage<?>>) (StreamableMessageSource<?>) eventStore;
    coordinator =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("search-rebuild-coordinator").factory());
    workers =
        Executors.newScheduledThreadPool(
            segments, Thread.ofPlatform().daemon().name("search-rebuild-", 0).factory());
    running =
        PooledStreamingEventProcessor.builder()
            .name(PROCESSOR)
            .eventHandlerInvoker(
                SimpleEventHandlerInvoker.builder()
                    .eventHandlers(projection)
                    .sequencingPolicy(SearchProjection::tenantOf)
                    .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                    .build())
            .errorHandler(PropagatingErrorHandler.instance())
            .messageSource(source)
            .tokenStore(tokenStore)
            .transactionManager(transactions)
            .coordinatorExecutor(coordinator)
            .workerExecutor(workers)
            .initialSegmentCount(segments)
            .initialToken(StreamableMessageSource::createTailToken)
            .batchSize(batchSize)
            .build();
    running.start();
    runningId = id;
    log.info("Search rebuild {}: this node runs {}", id, PROCESSOR);
  }

  private synchronized void stopLocal() {
    if (running != null) {
      running.shutdownAsync().join();
      coordinator.shutdown();
      workers.shutdown();
      log.info("Search rebuild {}: this node stopped {}", runningId, PROCESSOR);
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
    log.info("Search rebuild {}: switching", id);
    // 1. No serving batch runs from here on: its position stays put.
    if (!control.pause(
        SearchProjection.GROUP, "rebuild " + id + " switching", Duration.ofSeconds(60))) {
      control.resume(SearchProjection.GROUP);
      throw new IllegalStateException("the search processor did not pause on every node in 60 s");
    }
    if (r.getSwitchedAt() == null) {
      // 2. The rebuild catches up with the head (nothing new reaches search meanwhile).
      long head = positions.head();
      if (running == null) {
        startLocal(id);
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (position().orElse(-1) < head) {
        if (System.nanoTime() > deadline) {
          control.resume(SearchProjection.GROUP);
          throw new IllegalStateException("the rebuild did not reach the head in 5 minutes");
        }
        Thread.sleep(100);
      }
      // 3. It stops on every node (they see 'switching').
      stopLocal();
      awaitReleased(PROCESSOR);
      // 4. Queries move to the new indexes at once. From here on the new indexes serve: a node
      // that dies later leaves the switch to be finished, never undone.
      Set<String> retired = indexes.switchTo(id);
      OffsetDateTime now = OffsetDateTime.now();
      db.update(READ_MODEL_REBUILD)
          .set(READ_MODEL_REBUILD.SWITCHED_AT, now)
          .set(READ_MODEL_REBUILD.RETIRED, String.join(",", retired))
          .set(READ_MODEL_REBUILD.UPDATED_AT, now)
          .where(READ_MODEL_REBUILD.ID.eq(id))
          .execute();
      r = find(id).orElseThrow();
    }
    // 5. Search goes on from where the rebuild stopped, into the new indexes; had it gone on from
    // its own position instead, it would only apply again what the new indexes hold (external
    // versions make that a no-op), never skip anything.
    takeOverTokens();
    cache.retireAll("search indexes rebuilt");
    control.resume(SearchProjection.GROUP);
    // 6. The old indexes go.
    if (r.getRetired() != null && !r.getRetired().isBlank()) {
      try {
        indexes.delete(Set.of(r.getRetired().split(",")));
      } catch (IOException | RuntimeException e) {
        log.warn(
            "Search rebuild {}: old indexes {} not deleted: {}", id, r.getRetired(), e.toString());
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
    log.info("Search rebuild {} completed", id);
  }

  /** Waits until no node holds a segment of {@code processor} (each stops it at its next poll). */
  private void awaitReleased(String processor) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (control.claimedSegments(processor) > 0) {
      if (System.nanoTime() > deadline) {
        control.resume(SearchProjection.GROUP);
        throw new IllegalStateException(processor + " did not stop on every node in 60 s");
      }
      Thread.sleep(100);
    }
  }

  /**
   * The search processor's segments become the rebuild's, with their tokens, in one step; nothing
   * to do when an earlier attempt at the switch already handed them over.
   */
  private void takeOverTokens() {
    db.transaction(
        tx -> {
          DSLContext t = tx.dsl();
          if (!t.fetchExists(table(name("tokenentry")), TOKEN_PROCESSOR.eq(PROCESSOR))) {
            return;
          }
          t.deleteFrom(table(name("tokenentry")))
              .where(TOKEN_PROCESSOR.eq(SearchProjection.GROUP))
              .execute();
          t.update(table(name("tokenentry")))
              .set(TOKEN_PROCESSOR, SearchProjection.GROUP)
              .set(field(name("owner"), String.class), (String) null)
              .where(TOKEN_PROCESSOR.eq(PROCESSOR))
              .execute();
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
      // The serving indexes never changed unless the alias update ran; only unserved ones go.
      Set<String> unserved = new HashSet<>(rebuildIndexes(r.getId()));
      for (SearchIndexes.Kind kind : SearchIndexes.Kind.values()) {
        unserved.removeAll(indexes.serving(kind));
      }
      indexes.delete(unserved);
    } catch (IOException | RuntimeException cleanup) {
      log.warn(
          "Search rebuild {}: its indexes were not deleted: {}", r.getId(), cleanup.toString());
    }
  }

  private Set<String> rebuildIndexes(String id) {
    Set<String> s = new HashSet<>();
    for (SearchIndexes.Kind kind : SearchIndexes.Kind.values()) {
      s.add(indexes.rebuildIndex(kind, id));
    }
    return s;
  }

  @Override
  public void destroy() {
    switcher.shutdownNow();
    stopLocal();
  }
}
