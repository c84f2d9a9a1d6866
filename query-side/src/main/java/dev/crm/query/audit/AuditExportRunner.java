package dev.crm.query.audit;

import static dev.crm.db.jooq.Tables.AUDIT_EXPORT_CHUNK;
import static dev.crm.db.jooq.Tables.AUDIT_EXPORT_JOB;

import dev.crm.db.jooq.tables.records.AuditExportJobRecord;
import dev.crm.infra.jobs.LeasedJobRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs queued audit exports, on whichever node claims them first ({@link LeasedJobRunner}, as
 * imports are run). The output is written in chunks of about {@code chunk-bytes} of text, each
 * gzipped on its own (as members of 1 MiB, {@link ParallelGzip}); a chunk is committed together
 * with the position, count and chain head it reached, so a job whose node died is resumed by
 * another after its lease expires, from the last committed chunk, and its file is the one an
 * uninterrupted run would have written.
 */
@Component
public class AuditExportRunner implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(AuditExportRunner.class);

  private final DSLContext db;
  private final Clock clock;
  private final AuditTrail trail;
  private final long chunkBytes;
  private final LeasedJobRunner<AuditExportJobRecord> runner;

  public AuditExportRunner(
      DSLContext db,
      Clock clock,
      AuditTrail trail,
      @Value("${crm.audit.export-concurrency:1}") int concurrency,
      @Value("${crm.audit.chunk-bytes:16777216}") long chunkBytes,
      @Value("${crm.audit.lease:PT30S}") Duration lease) {
    this.db = db;
    this.clock = clock;
    this.trail = trail;
    this.chunkBytes = chunkBytes;
    this.runner =
        new LeasedJobRunner<>(
            db,
            clock,
            new LeasedJobRunner.Columns<>(
                AUDIT_EXPORT_JOB,
                AUDIT_EXPORT_JOB.ID,
                AUDIT_EXPORT_JOB.STATE,
                AUDIT_EXPORT_JOB.LEASE_OWNER,
                AUDIT_EXPORT_JOB.LEASE_UNTIL,
                AUDIT_EXPORT_JOB.CREATED_AT,
                AUDIT_EXPORT_JOB.STARTED_AT,
                AUDIT_EXPORT_JOB.UPDATED_AT),
            lease,
            concurrency,
            "Audit export");
  }

  /** Thrown when another node took the job over: this one stops without touching it again. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(UUID id) {
      super("audit export " + id + " was taken over by another node", null, false, false);
    }
  }

  @Scheduled(fixedDelayString = "${crm.audit.poll-interval:PT1S}")
  public void poll() {
    runner.poll(this::run);
  }

  /** The chunk being filled: gzip members of its own, and the writer that continues the chain. */
  private final class Chunk {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    final ParallelGzip gzip;
    final AuditWriter writer;

    Chunk(AuditExportJobRecord job, AuditFilter filter, AuditWriter.State state)
        throws IOException {
      gzip = new ParallelGzip(bytes);
      AuditWriter.Format format = AuditWriter.Format.valueOf(job.getFormat().toUpperCase());
      writer =
          state == null
              ? new AuditWriter(format, filter, gzip)
              : new AuditWriter(format, filter, gzip, state);
    }
  }

  private void run(AuditExportJobRecord job) {
    UUID id = job.getId();
    AuditFilter filter = AuditExportJobs.filter(job);
    try {
      int[] seq = {job.getChunks()};
      AuditWriter.State resumed =
          seq[0] == 0
              ? null
              : new AuditWriter.State(
                  job.getEventsDone(),
                  job.getFirstPosition(),
                  job.getLastPosition(),
                  job.getChainHead());
      log.info("Audit export {} running from chunk {}", id, seq[0]);
      Chunk[] chunk = {new Chunk(job, filter, resumed)};
      if (resumed == null) {
        chunk[0].writer.header();
      }
      AuditFilter from = resumed == null ? filter : filter.resumedAfter(resumed.lastPosition());
      trail.stream(
          from,
          job.getHeadPosition(),
          r -> {
            if (runner.stopping()) {
              throw new IllegalStateException("stopping");
            }
            chunk[0].writer.write(r);
            if (chunk[0].gzip.written() >= chunkBytes) {
              commit(id, seq[0]++, chunk[0], false);
              chunk[0] = new Chunk(job, filter, chunk[0].writer.state());
            }
          });
      chunk[0].writer.manifest();
      commit(id, seq[0], chunk[0], true);
      log.info("Audit export {} completed: {} events", id, chunk[0].writer.state().count());
    } catch (LeaseLost lost) {
      log.warn("Audit export {} was taken over by another node", id);
    } catch (IOException | RuntimeException e) {
      if (!runner.stopping()) {
        log.error("Audit export {} failed", id, e);
        fail(id, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  /** Stores a finished chunk with the checkpoint it reached, in one transaction. */
  private void commit(UUID id, int seq, Chunk chunk, boolean last) throws IOException {
    chunk.gzip.close();
    byte[] data = chunk.bytes.toByteArray();
    AuditWriter.State state = chunk.writer.state();
    OffsetDateTime now = OffsetDateTime.now(clock);
    db.transaction(
        tx -> {
          DSLContext t = tx.dsl();
          var update =
              t.update(AUDIT_EXPORT_JOB)
                  .set(AUDIT_EXPORT_JOB.CHUNKS, seq + 1)
                  .set(AUDIT_EXPORT_JOB.BYTES, AUDIT_EXPORT_JOB.BYTES.plus((long) data.length))
                  .set(AUDIT_EXPORT_JOB.EVENTS_DONE, state.count())
                  .set(AUDIT_EXPORT_JOB.FIRST_POSITION, state.firstPosition())
                  .set(AUDIT_EXPORT_JOB.LAST_POSITION, state.lastPosition())
                  .set(AUDIT_EXPORT_JOB.CHAIN_HEAD, state.chainHead())
                  .set(AUDIT_EXPORT_JOB.LEASE_UNTIL, now.plus(runner.lease()))
                  .set(AUDIT_EXPORT_JOB.UPDATED_AT, now);
          if (last) {
            update =
                update
                    .set(AUDIT_EXPORT_JOB.STATE, "completed")
                    .set(AUDIT_EXPORT_JOB.FINISHED_AT, now)
                    .setNull(AUDIT_EXPORT_JOB.LEASE_OWNER)
                    .setNull(AUDIT_EXPORT_JOB.LEASE_UNTIL);
          }
          int updated =
              update
                  .where(
                      AUDIT_EXPORT_JOB.ID.eq(id),
                      AUDIT_EXPORT_JOB.LEASE_OWNER.eq(runner.nodeId()),
                      AUDIT_EXPORT_JOB.STATE.eq("running"),
                      AUDIT_EXPORT_JOB.CHUNKS.eq(seq))
                  .execute();
          if (updated == 0) {
            throw new LeaseLost(id);
          }
          t.insertInto(AUDIT_EXPORT_CHUNK)
              .set(AUDIT_EXPORT_CHUNK.JOB_ID, id)
              .set(AUDIT_EXPORT_CHUNK.SEQ, seq)
              .set(AUDIT_EXPORT_CHUNK.DATA, data)
              .execute();
        });
  }

  private void fail(UUID id, String failure) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    db.update(AUDIT_EXPORT_JOB)
        .set(AUDIT_EXPORT_JOB.STATE, "failed")
        .set(AUDIT_EXPORT_JOB.FAILURE, failure)
        .set(AUDIT_EXPORT_JOB.FINISHED_AT, now)
        .set(AUDIT_EXPORT_JOB.UPDATED_AT, now)
        .setNull(AUDIT_EXPORT_JOB.LEASE_OWNER)
        .setNull(AUDIT_EXPORT_JOB.LEASE_UNTIL)
        .where(AUDIT_EXPORT_JOB.ID.eq(id), AUDIT_EXPORT_JOB.LEASE_OWNER.eq(runner.nodeId()))
        .execute();
  }

  /** On shutdown, stop between records; the lease expires and a node resumes the job. */
  @Override
  public void destroy() {
    runner.stop();
  }
}
