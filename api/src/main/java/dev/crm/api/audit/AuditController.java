package dev.crm.api.audit;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.TimeBounds;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.query.audit.AuditExportJobs;
import dev.crm.query.audit.AuditExportJobs.JobView;
import dev.crm.query.audit.AuditFilter;
import dev.crm.query.audit.AuditTrail;
import dev.crm.query.audit.AuditVerifier;
import dev.crm.query.audit.AuditWriter;
import dev.crm.query.audit.ParallelGzip;
import dev.crm.query.shared.InvalidQuery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Audit-trail exports for compliance (tenant admins): the tenant's events with who caused them, as
 * gzipped JSONL or CSV closed by a hash-chained manifest. Small exports stream straight back; large
 * ones run as jobs with progress and are downloaded when done. {@code verify} recomputes an
 * export's chain and names the first record that was altered, removed or moved. The tenant is
 * always the caller's.
 */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "Audit")
public class AuditController {
  private static final String JOB = "audit export";

  private final AuditTrail trail;
  private final AuditExportJobs jobs;

  public AuditController(AuditTrail trail, AuditExportJobs jobs) {
    this.trail = trail;
    this.jobs = jobs;
  }

  /** The filters of a job, as a JSON body; all optional. */
  public record ExportRequest(
      String format,
      String from,
      String to,
      String aggregateType,
      String aggregateId,
      String actorId,
      String eventType,
      Long after) {}

  @GetMapping("/export")
  @Operation(
      summary =
          "Stream the tenant's events (format jsonl or csv, gzip) up to now, ending with a"
              + " hash-chained manifest; resume with after=<last position received>")
  public void export(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "jsonl") String format,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String aggregateType,
      @RequestParam(required = false) String aggregateId,
      @RequestParam(required = false) String actorId,
      @RequestParam(required = false) String eventType,
      @RequestParam(required = false) Long after,
      HttpServletResponse response)
      throws IOException {
    AuditWriter.Format f = format(format);
    AuditFilter filter =
        filter(
            caller,
            new ExportRequest(
                format, from, to, aggregateType, aggregateId, actorId, eventType, after));
    long head = trail.settledHead();
    response.setContentType("application/gzip");
    response.setHeader(
        "Content-Disposition",
        "attachment; filename=\"audit-" + filter.tenantId() + "." + f.extension() + ".gz\"");
    response.setHeader("Cache-Control", "no-store");
    try (OutputStream out = new ParallelGzip(response.getOutputStream())) {
      AuditWriter writer = new AuditWriter(f, filter, out);
      writer.header();
      trail.stream(filter, head, writer::write);
      writer.manifest();
    }
  }

  @PostMapping("/exports")
  @Operation(summary = "Start a background export job; follow it, then download it when completed")
  public ResponseEntity<JobView> start(
      @AuthenticationPrincipal Caller caller, @RequestBody(required = false) ExportRequest body) {
    ExportRequest request =
        body == null ? new ExportRequest(null, null, null, null, null, null, null, null) : body;
    JobView job = jobs.create(filter(caller, request), format(request.format()), caller.keyId());
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/audit/exports/" + job.id()))
        .body(job);
  }

  @GetMapping("/exports")
  @Operation(summary = "The tenant's export jobs, newest first")
  public List<JobView> list(@AuthenticationPrincipal Caller caller) {
    return jobs.list(caller.requireTenant(), 100);
  }

  @GetMapping("/exports/{id}")
  @Operation(
      summary = "An export job: state, events done of total, percent, ETA; manifest when done")
  public JobView job(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return jobs.find(caller.requireTenant(), jobId(id))
        .orElseThrow(() -> new AggregateNotFound(JOB, id));
  }

  @GetMapping("/exports/{id}/download")
  @Operation(summary = "The completed export's file (gzip)")
  public void download(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, HttpServletResponse response)
      throws IOException {
    UUID jobId = jobId(id);
    JobView job =
        jobs.find(caller.requireTenant(), jobId).orElseThrow(() -> new AggregateNotFound(JOB, id));
    if (!"completed".equals(job.state())) {
      throw new ResponseStatusException(
          HttpStatus.CONFLICT,
          "the export is "
              + job.state()
              + " ("
              + job.percent()
              + "% done); download it when"
              + " completed");
    }
    response.setContentType("application/gzip");
    response.setHeader(
        "Content-Disposition",
        "attachment; filename=\"audit-" + jobId + "." + job.format() + ".gz\"");
    response.setContentLengthLong(job.bytes());
    jobs.download(caller.requireTenant(), jobId, response.getOutputStream());
  }

  @PostMapping("/verify")
  @Operation(
      summary =
          "Recompute an export's hash chain (body: the file, gzipped or not); names the first"
              + " altered, missing or reordered record")
  public AuditVerifier.Result verify(HttpServletRequest request) throws IOException {
    InputStream body = new BufferedInputStream(request.getInputStream(), 1 << 16);
    body.mark(2);
    int b1 = body.read();
    int b2 = body.read();
    body.reset();
    boolean gzip = b1 == 0x1f && b2 == 0x8b;
    try (InputStream in = gzip ? new GZIPInputStream(body, 1 << 16) : body) {
      return AuditVerifier.verify(in);
    } catch (java.util.zip.ZipException e) {
      return new AuditVerifier.Result(
          false, null, null, 0, null, null, null, null, null, "the gzip data is damaged");
    } catch (java.io.EOFException e) {
      return new AuditVerifier.Result(
          false, null, null, 0, null, null, null, null, null, "the gzip data was cut short");
    }
  }

  private static AuditFilter filter(Caller caller, ExportRequest r) {
    return new AuditFilter(
        caller.requireTenant(),
        TimeBounds.instant("from", r.from()),
        TimeBounds.instant("to", r.to()),
        r.aggregateType(),
        r.aggregateId(),
        r.actorId(),
        r.eventType(),
        r.after() == null ? -1 : r.after());
  }

  private static AuditWriter.Format format(String format) {
    if (format == null || format.isBlank()) {
      return AuditWriter.Format.JSONL;
    }
    try {
      return AuditWriter.Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidQuery("format", "must be jsonl or csv");
    }
  }

  private static UUID jobId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new AggregateNotFound(JOB, id);
    }
  }
}
