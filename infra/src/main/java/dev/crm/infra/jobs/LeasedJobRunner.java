package dev.crm.infra.jobs;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background jobs kept in a PostgreSQL table and run on whichever node claims them: at most {@code
 * concurrency} at once per node, each claimed under a lease ({@code FOR UPDATE SKIP LOCKED}) that a
 * heartbeat renews while it runs, so several nodes share the queue and a job whose node died is
 * taken over once its lease lapses. Imports and audit exports run this way; each runs its own jobs
 * and commits its own checkpoints.
 */
public final class LeasedJobRunner<R extends Record> {
  private static final Logger log = LoggerFactory.getLogger(LeasedJobRunner.class);

  /** The job table's columns this runner reads and writes. */
  public record Columns<R extends Record>(
      Table<R> table,
      TableField<R, UUID> id,
      TableField<R, String> state,
      TableField<R, String> leaseOwner,
      TableField<R, OffsetDateTime> leaseUntil,
      TableField<R, OffsetDateTime> createdAt,
      TableField<R, OffsetDateTime> startedAt,
      TableField<R, OffsetDateTime> updatedAt) {}

  private final DSLContext db;
  private final Clock clock;
  private final Columns<R> c;
  private final Duration lease;
  private final String what;
  private final Semaphore slots;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
  private final String nodeId =
      ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();

  /** Jobs this node is working on: never claimed twice by the same node. */
  private final Set<UUID> running = ConcurrentHashMap.newKeySet();

  private volatile boolean stopping;

  public LeasedJobRunner(
      DSLContext db,
      Clock clock,
      Columns<R> columns,
      Duration lease,
      int concurrency,
      String what) {
    this.db = db;
    this.clock = clock;
    this.c = columns;
    this.lease = lease;
    this.what = what;
    this.slots = new Semaphore(concurrency);
  }

  /** This node's name in the lease columns. */
  public String nodeId() {
    return nodeId;
  }

  public Duration lease() {
    return lease;
  }

  /** Whether the node is shutting down: a job stops at its next checkpoint. */
  public boolean stopping() {
    return stopping;
  }

  /**
   * Claims runnable jobs while this node has a free slot and runs each on a virtual thread, its
   * lease renewed meanwhile. A database that does not answer leaves the slot free for the next
   * poll.
   */
  public void poll(Consumer<R> run) {
    while (!stopping && slots.tryAcquire()) {
      Optional<R> claimed;
      try {
        claimed = claim();
      } catch (RuntimeException e) {
        slots.release();
        log.warn("{} queue not readable: {}", what, e.toString());
        return;
      }
      if (claimed.isEmpty()) {
        slots.release();
        return;
      }
      R job = claimed.get();
      UUID id = job.get(c.id());
      workers.submit(
          () -> {
            // Keeps the lease while a step runs long, so no other node takes the job over from
            // one that is still working on it; a failed renewal does not end the schedule.
            ScheduledFuture<?> heartbeat =
                heartbeats.scheduleAtFixedRate(
                    () -> {
                      try {
                        renewLease(id);
                      } catch (RuntimeException e) {
                        log.warn("{} {}: lease renewal failed: {}", what, id, e.toString());
                      }
                    },
                    lease.toMillis() / 3,
                    lease.toMillis() / 3,
                    TimeUnit.MILLISECONDS);
            try {
              run.accept(job);
            } finally {
              heartbeat.cancel(false);
              running.remove(id);
              slots.release();
            }
          });
    }
  }

  /**
   * Claims the oldest runnable job in one statement: queued, or running under an expired lease (its
   * node died). {@code SKIP LOCKED} lets concurrent runners pass over each other's claims.
   */
  private Optional<R> claim() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    var runnable =
        db.select(c.id())
            .from(c.table())
            .where(c.state().eq("queued").or(c.state().eq("running").and(c.leaseUntil().lt(now))))
            .and(running.isEmpty() ? DSL.noCondition() : c.id().notIn(running))
            .orderBy(c.createdAt())
            .limit(1)
            .forUpdate()
            .skipLocked();
    Optional<R> claimed =
        db.update(c.table())
            .set(c.state(), "running")
            .set(c.leaseOwner(), nodeId)
            .set(c.leaseUntil(), now.plus(lease))
            .set(c.startedAt(), DSL.coalesce(c.startedAt(), now))
            .set(c.updatedAt(), now)
            .where(c.id().eq(runnable))
            .returning()
            .fetchOptional();
    claimed.ifPresent(job -> running.add(job.get(c.id())));
    return claimed;
  }

  private void renewLease(UUID id) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    db.update(c.table())
        .set(c.leaseUntil(), now.plus(lease))
        .where(c.id().eq(id), c.leaseOwner().eq(nodeId), c.state().eq("running"))
        .execute();
  }

  /**
   * On shutdown, jobs stop at their next checkpoint; their leases lapse and a node resumes them.
   */
  public void stop() {
    stopping = true;
    workers.shutdown();
    heartbeats.shutdownNow();
  }
}
