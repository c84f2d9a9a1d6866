package dev.crm.command.imports;

import static dev.crm.db.jooq.Tables.IMPORT_FILE_CHUNK;
import static dev.crm.db.jooq.Tables.IMPORT_JOB;
import static dev.crm.db.jooq.Tables.IMPORT_ROW_ERROR;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crm.db.jooq.tables.records.ImportJobRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Import jobs in PostgreSQL: creation with the uploaded file, progress, leases and errors. */
@Component
public class ImportJobs {
  /** Files are stored in chunks of this size: large enough to be few, small enough to stream. */
  static final int CHUNK_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DSLContext db;
  private final Clock clock;
  private final TransactionTemplate transactions;

  public ImportJobs(DSLContext db, Clock clock, TransactionTemplate transactions) {
    this.db = db;
    this.clock = clock;
    this.transactions = transactions;
  }

  /** What a client sees of a job. */
  public record JobView(
      String id,
      String state,
      String format,
      String dedupe,
      long fileBytes,
      long rowsRead,
      long rowsSucceeded,
      long rowsFailed,
      double percentDone,
      Double rowsPerSecond,
      Long etaSeconds,
      boolean cancelRequested,
      String failure,
      OffsetDateTime createdAt,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt) {}

  /** The same Idempotency-Key was used before for another file or options. */
  public static final class IdempotencyConflict extends RuntimeException {
    IdempotencyConflict() {
      super(
          "this Idempotency-Key was already used for a different import; use a new key",
          null,
          false,
          false);
    }
  }

  /**
   * Stores the job and its file in one transaction, so a runner never sees half a file. With an
   * idempotency key already used for the same upload, answers the existing job instead.
   */
  public JobView create(
      String tenantId,
      String actorId,
      String idempotencyKey,
      ImportOptions options,
      InputStream file) {
    UUID tenant = UUID.fromString(tenantId);
    String optionsJson = optionsJson(options);
    if (idempotencyKey != null) {
      Optional<ImportJobRecord> existing = byKey(tenant, idempotencyKey);
      if (existing.isPresent()) {
        return sameRequestOrConflict(existing.get(), hash(optionsJson, file, null));
      }
    }
    try {
      return transactions.execute(
          tx -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            ImportJobRecord job = db.newRecord(IMPORT_JOB);
            job.setId(UUID.randomUUID());
            job.setTenantId(tenant);
            job.setActorId(actorId);
            job.setIdempotencyKey(idempotencyKey);
            job.setRequestHash(new byte[0]);
            job.setFormat(options.format().dbName());
            job.setOptions(JSONB.valueOf(optionsJson));
            job.setState("queued");
            job.setCreatedAt(now);
            job.setUpdatedAt(now);
            job.store();
            long[] size = {0};
            job.setRequestHash(hash(optionsJson, file, chunk -> storeChunk(job, chunk, size)));
            job.setFileBytes(size[0]);
            job.store();
            // Counters and flags take their defaults in the database.
            job.refresh();
            return view(job);
          });
    } catch (DuplicateKeyException raced) {
      // Another request with the same key committed first; its job is the answer.
      return view(byKey(tenant, idempotencyKey).orElseThrow());
    }
  }

  private Optional<ImportJobRecord> byKey(UUID tenant, String idempotencyKey) {
    return db.selectFrom(IMPORT_JOB)
        .where(IMPORT_JOB.TENANT_ID.eq(tenant), IMPORT_JOB.IDEMPOTENCY_KEY.eq(idempotencyKey))
        .fetchOptional();
  }

  private JobView sameRequestOrConflict(ImportJobRecord existing, byte[] hash) {
    if (!MessageDigest.isEqual(existing.getRequestHash(), hash)) {
      throw new IdempotencyConflict();
    }
    return view(existing);
  }

  private void storeChunk(ImportJobRecord job, byte[] chunk, long[] size) {
    int seq = (int) (size[0] / CHUNK_BYTES);
    db.insertInto(IMPORT_FILE_CHUNK)
        .set(IMPORT_FILE_CHUNK.JOB_ID, job.getId())
        .set(IMPORT_FILE_CHUNK.SEQ, seq)
        .set(IMPORT_FILE_CHUNK.DATA, chunk)
        .execute();
    size[0] += chunk.length;
  }

  /** SHA-256 over the options and the file, read once in chunks, each handed to {@code sink}. */
  private static byte[] hash(String optionsJson, InputStream file, Consumer<byte[]> sink) {
    MessageDigest digest = sha256();
    digest.update(optionsJson.getBytes(StandardCharsets.UTF_8));
    byte[] buffer = new byte[CHUNK_BYTES];
    try {
      int filled;
      while ((filled = file.readNBytes(buffer, 0, CHUNK_BYTES)) > 0) {
        byte[] chunk = Arrays.copyOf(buffer, filled);
        digest.update(chunk);
        if (sink != null) {
          sink.accept(chunk);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digest.digest();
  }

  /** The stored file, streamed chunk by chunk. */
  InputStream file(UUID jobId) {
    return new InputStream() {
      private int seq;
      private byte[] chunk = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == chunk.length) {
          byte[] next =
              db.select(IMPORT_FILE_CHUNK.DATA)
                  .from(IMPORT_FILE_CHUNK)
                  .where(IMPORT_FILE_CHUNK.JOB_ID.eq(jobId), IMPORT_FILE_CHUNK.SEQ.eq(seq))
                  .fetchOne(IMPORT_FILE_CHUNK.DATA);
          if (next == null) {
            return -1;
          }
          seq++;
          chunk = next;
          pos = 0;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  public Optional<JobView> find(String tenantId, String jobId) {
    return db.selectFrom(IMPORT_JOB)
        .where(
            IMPORT_JOB.TENANT_ID.eq(UUID.fromString(tenantId)),
            IMPORT_JOB.ID.eq(UUID.fromString(jobId)))
        .fetchOptional(this::view);
  }

  public List<JobView> list(String tenantId, int limit) {
    return db.selectFrom(IMPORT_JOB)
        .where(IMPORT_JOB.TENANT_ID.eq(UUID.fromString(tenantId)))
        .orderBy(IMPORT_JOB.CREATED_AT.desc(), IMPORT_JOB.ID.desc())
        .limit(limit)
        .fetch(this::view);
  }

  /** Asks a job to stop after its current batch; a queued job stops at once. */
  public Optional<JobView> cancel(String tenantId, String jobId) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    UUID tenant = UUID.fromString(tenantId);
    UUID id = UUID.fromString(jobId);
    db.update(IMPORT_JOB)
        .set(IMPORT_JOB.CANCEL_REQUESTED, true)
        .set(
            IMPORT_JOB.STATE,
            DSL.when(IMPORT_JOB.STATE.eq("queued"), "cancelled").otherwise(IMPORT_JOB.STATE))
        .set(
            IMPORT_JOB.FINISHED_AT,
            DSL.when(IMPORT_JOB.STATE.eq("queued"), now).otherwise(IMPORT_JOB.FINISHED_AT))
        .set(IMPORT_JOB.UPDATED_AT, now)
        .where(IMPORT_JOB.TENANT_ID.eq(tenant), IMPORT_JOB.ID.eq(id))
        .execute();
    return find(tenantId, jobId);
  }

  /** Writes the job's error report as CSV (line, field, reason), streamed from the database. */
  public boolean writeErrors(String tenantId, String jobId, Writer out) throws IOException {
    if (find(tenantId, jobId).isEmpty()) {
      return false;
    }
    try (CSVPrinter csv =
            new CSVPrinter(
                out, CSVFormat.RFC4180.builder().setHeader("line", "field", "reason").get());
        var rows =
            db.select(IMPORT_ROW_ERROR.LINE, IMPORT_ROW_ERROR.FIELD, IMPORT_ROW_ERROR.REASON)
                .from(IMPORT_ROW_ERROR)
                .where(IMPORT_ROW_ERROR.JOB_ID.eq(UUID.fromString(jobId)))
                .orderBy(IMPORT_ROW_ERROR.LINE)
                .fetchSize(1000)
                .fetchLazy()) {
      for (var row : rows) {
        csv.printRecord(row.value1(), row.value2(), row.value3());
      }
    }
    return true;
  }

  JobView view(ImportJobRecord r) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    double fraction =
        r.getFileBytes() == 0 ? 0 : Math.min(1.0, (double) r.getBytesDone() / r.getFileBytes());
    if ("completed".equals(r.getState())) {
      fraction = 1.0;
    }
    Double rate = null;
    Long eta = null;
    if (r.getStartedAt() != null && r.getRowsRead() > 0) {
      OffsetDateTime end = r.getFinishedAt() != null ? r.getFinishedAt() : now;
      double seconds = Math.max(0.001, Duration.between(r.getStartedAt(), end).toMillis() / 1000.0);
      rate = r.getRowsRead() / seconds;
      if ("running".equals(r.getState()) && fraction > 0) {
        eta = Math.round(seconds * (1 - fraction) / fraction);
      }
    }
    ImportOptions options = options(r);
    return new JobView(
        r.getId().toString(),
        r.getState(),
        r.getFormat(),
        options.dedupe().name().toLowerCase(java.util.Locale.ROOT),
        r.getFileBytes(),
        r.getRowsRead(),
        r.getRowsSucceeded(),
        r.getRowsFailed(),
        Math.round(fraction * 1000) / 10.0,
        rate == null ? null : Math.round(rate * 10) / 10.0,
        eta,
        r.getCancelRequested(),
        r.getFailure(),
        r.getCreatedAt(),
        r.getStartedAt(),
        r.getFinishedAt());
  }

  static ImportOptions options(ImportJobRecord r) {
    try {
      return JSON.readValue(r.getOptions().data(), ImportOptions.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored import options are unreadable", e);
    }
  }

  private static String optionsJson(ImportOptions options) {
    try {
      return JSON.writeValueAsString(options);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
