package dev.crm.command.imports;

import static dev.crm.db.jooq.Tables.IMPORT_JOB;

import dev.crm.db.jooq.tables.records.ImportJobRecord;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs import jobs in the background. Each node runs at most {@code crm.imports.concurrency} jobs
 * at once and claims them with a lease in PostgreSQL ({@code FOR UPDATE SKIP LOCKED}), so several
 * nodes share the queue and a job whose node died is taken over when its lease expires. Work
 * resumes after the job's last checkpoint.
 */
@Component
public class ImportRunner implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

  private final DSLContext db;
  private final Clock clock;
  private final ImportJobs jobs;
  private final ImportBatchWriter writer;
  private final int batchSize;

  /** How long a claimed job stays this node's without a checkpoint. */
  private final Duration lease;

  private final Semaphore slots;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
  private final String nodeId =
      ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();
  private volatile boolean stopping;
  private final ImportPacing pacing;

  /** Jobs this node is working on: never claimed twice by the same node. */
  private final Set<UUID> running = ConcurrentHashMap.newKeySet();

  public ImportRunner(
      DSLContext db,
      Clock clock,
      ImportJobs jobs,
      ImportBatchWriter writer,
      ImportPacing pacing,
      @Value("${crm.imports.concurrency:2}") int concurrency,
      @Value("${crm.imports.batch-size:500}") int batchSize,
      @Value("${crm.imports.lease:PT30S}") Duration lease) {
    this.lease = lease;
    this.db = db;
    this.clock = clock;
    this.jobs = jobs;
    this.writer = writer;
    this.pacing = pacing;
    this.batchSize = batchSize;
    this.slots = new Semaphore(concurrency);
  }

  /** Looks for work while this node has a free slot. */
  @Scheduled(fixedDelayString = "${crm.imports.poll-interval:PT0.5S}")
  public void poll() {
    while (!stopping && slots.tryAcquire()) {
      Optional<ImportJobRecord> claimed;
      try {
        claimed = claim();
      } catch (RuntimeException e) {
        // The database did not answer: the slot stays free and the next poll tries again.
        slots.release();
        log.warn("Import queue not readable: {}", e.toString());
        return;
      }
      if (claimed.isEmpty()) {
        slots.release();
        return;
      }
      workers.submit(
          () -> {
            try {
              run(claimed.get());
            } finally {
              slots.release();
            }
          });
    }
  }

  /**
   * Claims the oldest runnable job in one statement: queued, or running under an expired lease (its
   * node died). {@code SKIP LOCKED} lets concurrent runners pass over each other's claims.
   */
  private Optional<ImportJobRecord> claim() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    var runnable =
        db.select(IMPORT_JOB.ID)
            .from(IMPORT_JOB)
            .where(
                IMPORT_JOB
                    .STATE
                    .eq("queued")
                    .or(IMPORT_JOB.STATE.eq("running").and(IMPORT_JOB.LEASE_UNTIL.lt(now))))
            .and(running.isEmpty() ? DSL.noCondition() : IMPORT_JOB.ID.notIn(running))
            .orderBy(IMPORT_JOB.CREATED_AT)
            .limit(1)
            .forUpdate()
            .skipLocked();
    Optional<ImportJobRecord> claimed =
        db.update(IMPORT_JOB)
            .set(IMPORT_JOB.STATE, "running")
            .set(IMPORT_JOB.LEASE_OWNER, nodeId)
            .set(IMPORT_JOB.LEASE_UNTIL, now.plus(lease))
            .set(IMPORT_JOB.STARTED_AT, DSL.coalesce(IMPORT_JOB.STARTED_AT, now))
            .set(IMPORT_JOB.UPDATED_AT, now)
            .where(IMPORT_JOB.ID.eq(runnable))
            .returning()
            .fetchOptional();
    claimed.ifPresent(job -> running.add(job.getId()));
    return claimed;
  }

  private void run(ImportJobRecord record) {
    ImportOptions options = ImportJobs.options(record);
    ImportBatchWriter.Job job =
        new ImportBatchWriter.Job(
            record.getId(), record.getTenantId(), record.getActorId(), nodeId, lease, options);
    log.info("Import {} running from line {}", job.id(), record.getLinesDone() + 1);
    RowMapper mapper = new RowMapper(options);
    // Keeps the lease while a batch runs long (a row-by-row retry, a slow database), so no
    // other runner takes the job over from a node that is still working on it.
    var heartbeat =
        heartbeats.scheduleAtFixedRate(
            () -> {
              // A failed renewal must not end the schedule: the next one may get through.
              try {
                renewLease(job.id());
              } catch (RuntimeException e) {
                log.warn("lease renewal failed: {}", e.toString());
              }
            },
            lease.toMillis() / 3,
            lease.toMillis() / 3,
            TimeUnit.MILLISECONDS);
    try (CountingStream in = new CountingStream(jobs.file(job.id()));
        SourceRows source = SourceRows.open(options.format(), in)) {
      List<ImportRow> batch = new ArrayList<>(batchSize);
      long lastLine = record.getLinesDone();
      boolean cancelled = record.getCancelRequested();
      int size = pacing.beforeBatch(batchSize);
      while (!cancelled && !stopping && source.hasNext()) {
        SourceRows.Row row = source.next();
        if (row.line() <= record.getLinesDone()) {
          continue;
        }
        batch.add(
            row.problem() != null
                ? new ImportRow.Invalid(row.line(), null, row.problem())
                : mapper.map(row.line(), row.cells()));
        lastLine = row.line();
        if (batch.size() >= size) {
          cancelled =
              writer.write(job, batch, new ImportBatchWriter.Checkpoint(lastLine, in.count));
          batch.clear();
          size = pacing.beforeBatch(batchSize);
        }
      }
      if (stopping) {
        return;
      }
      if (!batch.isEmpty()) {
        cancelled = writer.write(job, batch, new ImportBatchWriter.Checkpoint(lastLine, in.count));
      }
      finish(job, cancelled ? "cancelled" : "completed", null);
    } catch (ImportBatchWriter.LeaseLost lost) {
      log.warn("Import {} was taken over by another node", job.id());
    } catch (IOException | RuntimeException e) {
      if (stopping) {
        return;
      }
      log.error("Import {} failed", job.id(), e);
      finish(job, "failed", e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      heartbeat.cancel(false);
      running.remove(job.id());
    }
  }

  private void renewLease(UUID jobId) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    db.update(IMPORT_JOB)
        .set(IMPORT_JOB.LEASE_UNTIL, now.plus(lease))
        .where(
            IMPORT_JOB.ID.eq(jobId),
            IMPORT_JOB.LEASE_OWNER.eq(nodeId),
            IMPORT_JOB.STATE.eq("running"))
        .execute();
  }

  private void finish(ImportBatchWriter.Job job, String state, String failure) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    db.update(IMPORT_JOB)
        .set(IMPORT_JOB.STATE, state)
        .set(IMPORT_JOB.FAILURE, failure)
        .set(IMPORT_JOB.FINISHED_AT, now)
        .set(IMPORT_JOB.UPDATED_AT, now)
        .setNull(IMPORT_JOB.LEASE_OWNER)
        .setNull(IMPORT_JOB.LEASE_UNTIL)
        .where(IMPORT_JOB.ID.eq(job.id()), IMPORT_JOB.LEASE_OWNER.eq(nodeId))
        .execute();
    log.info("Import {} {}", job.id(), state);
  }

  /** On shutdown, stop between batches; the lease expires and a node resumes the job. */
  @Override
  public void destroy() {
    stopping = true;
    workers.shutdown();
    heartbeats.shutdownNow();
  }

  /** Counts the bytes the parser has consumed, for progress. */
  private static final class CountingStream extends FilterInputStream {
    private long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
