package dev.crm.query.audit;

import static dev.crm.db.jooq.Tables.AUDIT_EXPORT_CHUNK;
import static dev.crm.db.jooq.Tables.AUDIT_EXPORT_JOB;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.crm.db.jooq.tables.records.AuditExportJobRecord;
import dev.crm.infra.jobs.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Component;

/**
 * Audit exports too large for one request: created here with the filters and the event-store head
 * they stop at, run by {@link AuditExportRunner} on any node, and downloaded from PostgreSQL when
 * done. Every read is scoped to the caller's tenant.
 */
@Component
public class AuditExportJobs {
  private final DSLContext db;
  private final Clock clock;
  private final AuditTrail trail;

  public AuditExportJobs(DSLContext db, Clock clock, AuditTrail trail) {
    this.db = db;
    this.clock = clock;
    this.trail = trail;
  }

  /** What a client sees of a job: its progress while it runs, its manifest once done. */
  public record JobView(
      String id,
      String state,
      String format,
      Map<String, Object> filters,
      long after,
      long headPosition,
      long totalEvents,
      long eventsDone,
      double percent,
      Double etaSeconds,
      Long firstPosition,
      Long lastPosition,
      String chainHead,
      long bytes,
      String failure,
      OffsetDateTime createdAt,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt) {}

  /** Queues an export of {@code filter} up to the current head of the event store. */
  public JobView create(AuditFilter filter, AuditWriter.Format format, String actorId) {
    long head = trail.settledHead();
    long total = trail.count(filter, head);
    OffsetDateTime now = OffsetDateTime.now(clock);
    UUID id = UUID.randomUUID();
    db.insertInto(AUDIT_EXPORT_JOB)
        .set(AUDIT_EXPORT_JOB.ID, id)
        .set(AUDIT_EXPORT_JOB.TENANT_ID, UUID.fromString(filter.tenantId()))
        .set(AUDIT_EXPORT_JOB.ACTOR_ID, actorId)
        .set(AUDIT_EXPORT_JOB.FORMAT, format.extension())
        .set(AUDIT_EXPORT_JOB.FILTERS, filtersJson(filter))
        .set(AUDIT_EXPORT_JOB.STATE, "queued")
        .set(AUDIT_EXPORT_JOB.HEAD_POSITION, head)
        .set(AUDIT_EXPORT_JOB.TOTAL_EVENTS, total)
        .set(AUDIT_EXPORT_JOB.CREATED_AT, now)
        .set(AUDIT_EXPORT_JOB.UPDATED_AT, now)
        .execute();
    return find(filter.tenantId(), id).orElseThrow();
  }

  public Optional<JobView> find(String tenantId, UUID id) {
    return db.selectFrom(AUDIT_EXPORT_JOB)
        .where(AUDIT_EXPORT_JOB.ID.eq(id), AUDIT_EXPORT_JOB.TENANT_ID.eq(UUID.fromString(tenantId)))
        .fetchOptional(this::view);
  }

  public List<JobView> list(String tenantId, int limit) {
    return db.selectFrom(AUDIT_EXPORT_JOB)
        .where(AUDIT_EXPORT_JOB.TENANT_ID.eq(UUID.fromString(tenantId)))
        .orderBy(AUDIT_EXPORT_JOB.CREATED_AT.desc(), AUDIT_EXPORT_JOB.ID)
        .limit(limit)
        .fetch(this::view);
  }

  /**
   * Writes a completed job's file (gzip) to {@code out}, one stored chunk at a time; false when the
   * tenant has no such completed job.
   */
  public boolean download(String tenantId, UUID id, OutputStream out) throws IOException {
    Integer chunks =
        db.select(AUDIT_EXPORT_JOB.CHUNKS)
            .from(AUDIT_EXPORT_JOB)
            .where(
                AUDIT_EXPORT_JOB.ID.eq(id),
                AUDIT_EXPORT_JOB.TENANT_ID.eq(UUID.fromString(tenantId)),
                AUDIT_EXPORT_JOB.STATE.eq("completed"))
            .fetchOne(AUDIT_EXPORT_JOB.CHUNKS);
    if (chunks == null) {
      return false;
    }
    for (int seq = 0; seq < chunks; seq++) {
      byte[] data =
          db.select(AUDIT_EXPORT_CHUNK.DATA)
              .from(AUDIT_EXPORT_CHUNK)
              .where(AUDIT_EXPORT_CHUNK.JOB_ID.eq(id), AUDIT_EXPORT_CHUNK.SEQ.eq(seq))
              .fetchOne(AUDIT_EXPORT_CHUNK.DATA);
      if (data == null) {
        throw new IllegalStateException("audit export " + id + " lacks chunk " + seq);
      }
      out.write(data);
    }
    return true;
  }

  /** Whether the tenant has this job, whatever its state. */
  public boolean exists(String tenantId, UUID id) {
    return find(tenantId, id).isPresent();
  }

  static JSONB filtersJson(AuditFilter filter) {
    try {
      Map<String, Object> m = new java.util.LinkedHashMap<>(filter.described());
      m.put("after", filter.after());
      return JSONB.valueOf(AuditWriter.MAPPER.writeValueAsString(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The filter a job was created with. */
  static AuditFilter filter(AuditExportJobRecord job) {
    try {
      JsonNode f = AuditWriter.MAPPER.readTree(job.getFilters().data());
      return new AuditFilter(
          job.getTenantId().toString(),
          f.hasNonNull("from") ? Instant.parse(f.get("from").asText()) : null,
          f.hasNonNull("to") ? Instant.parse(f.get("to").asText()) : null,
          f.path("aggregateType").asText(null),
          f.path("aggregateId").asText(null),
          f.path("actorId").asText(null),
          f.path("eventType").asText(null),
          f.path("after").asLong(-1));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private JobView view(AuditExportJobRecord r) {
    AuditFilter filter = filter(r);
    long total = r.getTotalEvents();
    long done = r.getEventsDone();
    boolean running = "running".equals(r.getState());
    Progress progress =
        Progress.of(done, total, running ? r.getStartedAt() : null, OffsetDateTime.now(clock));
    double percent = "completed".equals(r.getState()) ? 100.0 : progress.percent();
    Double eta = progress.etaSeconds();
    boolean completed = "completed".equals(r.getState());
    return new JobView(
        r.getId().toString(),
        r.getState(),
        r.getFormat(),
        filter.described(),
        filter.after(),
        r.getHeadPosition(),
        total,
        done,
        percent,
        eta,
        r.getFirstPosition(),
        r.getLastPosition(),
        completed ? r.getChainHead() : null,
        r.getBytes(),
        r.getFailure(),
        r.getCreatedAt(),
        r.getStartedAt(),
        r.getFinishedAt());
  }
}
