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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs import jobs in the background. Each node runs at most {@code crm.imports.concurrency} jobs
 * at once and claims them with a lease in PostgreSQL ({@code FOR UPDATE SKIP LOCKED}), so several
 * nodes share the queue and a job whose node died is taken over when its lease expires. Work
 * resumes after the job's last checkpoint.
 */
@Component
public class ImportRunner implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

  /** How long a claimed job stays this node's without a checkpoint. */
  static final Duration LEASE = Duration.ofSeconds(30);

  private final DSLContext db;
  private final Clock clock;
  private final TransactionTemplate transactions;
  private final ImportJobs jobs;
  private final ImportBatchWriter writer;
  private final int batchSize;
  private final Semaphore slots;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final String nodeId =
      ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();
  private volatile boolean stopping;

  public ImportRunner(
      DSLContext db,
      Clock clock,
      TransactionTemplate transactions,
      ImportJobs jobs,
      ImportBatchWriter writer,
      @Value("${crm.imports.concurrency:2}") int concurrency,
      @Value("${crm.imports.batch-size:500}") int batchSize) {
    this.db = db;
    this.clock = clock;
    this.transactions = transactions;
    this.jobs = jobs;
    this.writer = writer;
    this.batchSize = batchSize;
    this.slots = new Semaphore(concurrency);
  }

  /** Looks for work while this node has a free slot. */
  @Scheduled(fixedDelayString = "${crm.imports.poll-interval:PT0.5S}")
  public void poll() {
    while (!stopping && slots.tryAcquire()) {
      Optional<ImportJobRecord> claimed = claim();
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

  private Optional<ImportJobRecord> claim() {
    return transactions.execute(
        tx -> {
          OffsetDateTime now = OffsetDateTime.now(clock);
          Optional<UUID> id =
              db.select(IMPORT_JOB.ID)
                  .from(IMPORT_JOB)
                  .where(
                      IMPORT_JOB
                          .STATE
                          .eq("queued")
                          .or(IMPORT_JOB.STATE.eq("running").and(IMPORT_JOB.LEASE_UNTIL.lt(now))))
                  .orderBy(IMPORT_JOB.CREATED_AT)
                  .limit(1)
                  .forUpdate()
                  .skipLocked()
                  .fetchOptional(IMPORT_JOB.ID);
          return id.map(
              jobId ->
                  db.update(IMPORT_JOB)
                      .set(IMPORT_JOB.STATE, "running")
                      .set(IMPORT_JOB.LEASE_OWNER, nodeId)
                      .set(IMPORT_JOB.LEASE_UNTIL, now.plus(LEASE))
                      .set(
                          IMPORT_JOB.STARTED_AT,
                          org.jooq.impl.DSL.coalesce(IMPORT_JOB.STARTED_AT, now))
                      .set(IMPORT_JOB.UPDATED_AT, now)
                      .where(IMPORT_JOB.ID.eq(jobId))
                      .returning()
                      .fetchOne());
        });
  }

  private void run(ImportJobRecord record) {
    ImportOptions options = ImportJobs.options(record);
    ImportBatchWriter.Job job =
        new ImportBatchWriter.Job(
            record.getId(), record.getTenantId(), record.getActorId(), nodeId, options);
    log.info("Import {} running from line {}", job.id(), record.getLinesDone() + 1);
    RowMapper mapper = new RowMapper(options);
    try (CountingStream in = new CountingStream(jobs.file(job.id()));
        SourceRows source = SourceRows.open(options.format(), in)) {
      List<ImportRow> batch = new ArrayList<>(batchSize);
      long lastLine = record.getLinesDone();
      boolean cancelled = record.getCancelRequested();
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
        if (batch.size() == batchSize) {
          cancelled =
              writer.write(job, batch, new ImportBatchWriter.Checkpoint(lastLine, in.count));
          batch.clear();
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
    }
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
