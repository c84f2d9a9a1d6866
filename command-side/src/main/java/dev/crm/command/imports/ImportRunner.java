package dev.crm.command.imports;

import static dev.crm.db.jooq.Tables.IMPORT_JOB;

import dev.crm.db.jooq.tables.records.ImportJobRecord;
import dev.crm.infra.jobs.LeasedJobRunner;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs import jobs in the background ({@link LeasedJobRunner}: at most {@code
 * crm.imports.concurrency} per node, claimed under a lease so nodes share the queue and a job whose
 * node died is taken over). Work resumes after the job's last checkpoint.
 */
@Component
public class ImportRunner implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

  private final DSLContext db;
  private final Clock clock;
  private final ImportJobs jobs;
  private final ImportBatchWriter writer;
  private final int batchSize;

  private final ImportPacing pacing;
  private final LeasedJobRunner<ImportJobRecord> runner;

  public ImportRunner(
      DSLContext db,
      Clock clock,
      ImportJobs jobs,
      ImportBatchWriter writer,
      ImportPacing pacing,
      @Value("${crm.imports.concurrency:2}") int concurrency,
      @Value("${crm.imports.batch-size:500}") int batchSize,
      @Value("${crm.imports.lease:PT30S}") Duration lease) {
    this.db = db;
    this.clock = clock;
    this.jobs = jobs;
    this.writer = writer;
    this.pacing = pacing;
    this.batchSize = batchSize;
    this.runner =
        new LeasedJobRunner<>(
            db,
            clock,
            new LeasedJobRunner.Columns<>(
                IMPORT_JOB,
                IMPORT_JOB.ID,
                IMPORT_JOB.STATE,
                IMPORT_JOB.LEASE_OWNER,
                IMPORT_JOB.LEASE_UNTIL,
                IMPORT_JOB.CREATED_AT,
                IMPORT_JOB.STARTED_AT,
                IMPORT_JOB.UPDATED_AT),
            lease,
            concurrency,
            "Import");
  }

  /** Looks for work while this node has a free slot. */
  @Scheduled(fixedDelayString = "${crm.imports.poll-interval:PT0.5S}")
  public void poll() {
    runner.poll(this::run);
  }

  private void run(ImportJobRecord record) {
    ImportOptions options = ImportJobs.options(record);
    ImportBatchWriter.Job job =
        new ImportBatchWriter.Job(
            record.getId(),
            record.getTenantId(),
            record.getActorId(),
            runner.nodeId(),
            runner.lease(),
            options);
    log.info("Import {} running from line {}", job.id(), record.getLinesDone() + 1);
    RowMapper mapper = new RowMapper(options);
    try (CountingStream in = new CountingStream(jobs.file(job.id()));
        SourceRows source = SourceRows.open(options.format(), in)) {
      List<ImportRow> batch = new ArrayList<>(batchSize);
      long lastLine = record.getLinesDone();
      boolean cancelled = record.getCancelRequested();
      int size = pacing.beforeBatch(batchSize);
      while (!cancelled && !runner.stopping() && source.hasNext()) {
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
      if (runner.stopping()) {
        return;
      }
      if (!batch.isEmpty()) {
        cancelled = writer.write(job, batch, new ImportBatchWriter.Checkpoint(lastLine, in.count));
      }
      finish(job, cancelled ? "cancelled" : "completed", null);
    } catch (ImportBatchWriter.LeaseLost lost) {
      log.warn("Import {} was taken over by another node", job.id());
    } catch (IOException | RuntimeException e) {
      if (runner.stopping()) {
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
        .where(IMPORT_JOB.ID.eq(job.id()), IMPORT_JOB.LEASE_OWNER.eq(runner.nodeId()))
        .execute();
    log.info("Import {} {}", job.id(), state);
  }

  /** On shutdown, stop between batches; the lease expires and a node resumes the job. */
  @Override
  public void destroy() {
    runner.stop();
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
