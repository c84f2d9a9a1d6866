package dev.crm.api.imports;

import dev.crm.api.auth.Caller;
import dev.crm.command.imports.ImportJobs;
import dev.crm.command.imports.ImportJobs.JobView;
import dev.crm.command.imports.ImportOptions;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Bulk contact imports: upload a CSV or JSONL file with its options, then follow the job. The
 * upload is stored before the answer, so the job survives a restart of the service.
 */
@RestController
@RequestMapping("/api/v1/imports")
@Tag(name = "Imports")
public class ImportController {
  private static final String TYPE = "import";

  private final ImportJobs jobs;

  public ImportController(ImportJobs jobs) {
    this.jobs = jobs;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Operation(
      summary = "Start an import: multipart parts `options` (JSON) and `file` (CSV or JSONL)")
  public ResponseEntity<JobView> upload(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestPart("options") ImportOptions options,
      @RequestPart("file") MultipartFile file)
      throws IOException {
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
      throw new InvalidField("Idempotency-Key", "must be 1 to 200 characters");
    }
    if (file.isEmpty()) {
      throw new InvalidField("file", "is empty");
    }
    JobView job;
    try (InputStream in = file.getInputStream()) {
      job = jobs.create(caller.requireTenant(), caller.keyId(), idempotencyKey, options, in);
    }
    return ResponseEntity.accepted().location(URI.create("/api/v1/imports/" + job.id())).body(job);
  }

  @GetMapping("/{id}")
  @Operation(summary = "The job: state, rows read/succeeded/failed, rate and ETA")
  public JobView get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return jobs.find(caller.requireTenant(), jobId(id))
        .orElseThrow(() -> new AggregateNotFound(TYPE, id));
  }

  @GetMapping
  @Operation(summary = "The tenant's latest import jobs")
  public List<JobView> list(@AuthenticationPrincipal Caller caller) {
    return jobs.list(caller.requireTenant(), 100);
  }

  @PostMapping("/{id}/cancel")
  @Operation(summary = "Cancel: a queued job stops at once, a running one after its batch")
  public JobView cancel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return jobs.cancel(caller.requireTenant(), jobId(id))
        .orElseThrow(() -> new AggregateNotFound(TYPE, id));
  }

  @GetMapping(value = "/{id}/errors", produces = "text/csv")
  @Operation(summary = "The rejected rows as CSV: line, field, reason")
  public void errors(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, HttpServletResponse response)
      throws IOException {
    String jobId = jobId(id);
    if (jobs.find(caller.requireTenant(), jobId).isEmpty()) {
      throw new AggregateNotFound(TYPE, id);
    }
    response.setContentType("text/csv;charset=UTF-8");
    response.setHeader(
        "Content-Disposition", "attachment; filename=\"import-" + jobId + "-errors.csv\"");
    // Closing the CSV writer completes the response.
    Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
    jobs.writeErrors(caller.requireTenant(), jobId, out);
  }

  private static String jobId(String id) {
    try {
      return UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      throw new AggregateNotFound(TYPE, id);
    }
  }
}
