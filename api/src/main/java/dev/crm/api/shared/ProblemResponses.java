package dev.crm.api.shared;

import dev.crm.command.imports.ImportJobs;
import dev.crm.domain.campaign.InvalidCampaignTransition;
import dev.crm.domain.contact.DuplicatePrimaryEmail;
import dev.crm.domain.customfield.DuplicateCustomField;
import dev.crm.domain.shared.AggregateArchived;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import dev.crm.query.search.SearchUnavailable;
import dev.crm.query.shared.InvalidQuery;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.DatabindException;

/**
 * Maps every rejection, once, to an RFC 9457 problem response. Bad input names each bad field in
 * {@code errors}; nothing internal (stack traces, SQL) ever reaches the client.
 */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

  /** One bad input field and why. */
  public record FieldError(String field, String reason) {}

  @ExceptionHandler(InvalidField.class)
  ProblemDetail invalidField(InvalidField e) {
    return badInput(List.of(new FieldError(e.field(), e.reason())));
  }

  @ExceptionHandler(InvalidQuery.class)
  ProblemDetail invalidQuery(InvalidQuery e) {
    return badInput(List.of(new FieldError(e.parameter(), e.getMessage())));
  }

  @ExceptionHandler({AggregateNotFound.class, AggregateNotFoundException.class})
  ProblemDetail notFound(Exception e) {
    return problem(HttpStatus.NOT_FOUND, "Not found", "No such record in this tenant.");
  }

  @ExceptionHandler(DuplicatePrimaryEmail.class)
  ProblemDetail duplicateEmail(DuplicatePrimaryEmail e) {
    ProblemDetail p = problem(HttpStatus.CONFLICT, "Duplicate primary email", e.getMessage());
    p.setProperty(
        "errors", List.of(new FieldError("email", "is already another contact's primary email")));
    return p;
  }

  @ExceptionHandler(DuplicateCustomField.class)
  ProblemDetail duplicateCustomField(DuplicateCustomField e) {
    ProblemDetail p = problem(HttpStatus.CONFLICT, "Duplicate custom field", e.getMessage());
    p.setProperty("errors", List.of(new FieldError("key", "is already defined")));
    return p;
  }

  /** Another node changed the same aggregate at the same moment (without an If-Match). */
  @ExceptionHandler({ConcurrencyException.class, AggregateStreamCreationException.class})
  ProblemDetail concurrentChange(Exception e) {
    return problem(
        HttpStatus.CONFLICT,
        "Concurrent change",
        "The record changed meanwhile. Retry the request.");
  }

  @ExceptionHandler(AggregateArchived.class)
  ProblemDetail archived(AggregateArchived e) {
    return problem(HttpStatus.CONFLICT, "Archived", e.getMessage());
  }

  @ExceptionHandler(InvalidCampaignTransition.class)
  ProblemDetail transition(InvalidCampaignTransition e) {
    ProblemDetail p = problem(HttpStatus.CONFLICT, "Transition not allowed", e.getMessage());
    p.setProperty("currentState", e.current().name());
    return p;
  }

  @ExceptionHandler(ConflictingAggregateVersionException.class)
  ProblemDetail staleVersion(ConflictingAggregateVersionException e) {
    return problem(
        HttpStatus.PRECONDITION_FAILED,
        "Stale version",
        "The record changed since the version in If-Match. Read it again and retry.");
  }

  @ExceptionHandler(Idempotency.IdempotencyKeyReused.class)
  ProblemDetail keyReused(Idempotency.IdempotencyKeyReused e) {
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage());
  }

  @ExceptionHandler(ImportJobs.IdempotencyConflict.class)
  ProblemDetail importKeyReused(ImportJobs.IdempotencyConflict e) {
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage());
  }

  /** Search depends on Elasticsearch; lists, details and commands answer from PostgreSQL. */
  @ExceptionHandler(SearchUnavailable.class)
  ResponseEntity<ProblemDetail> searchUnavailable(SearchUnavailable e) {
    log.warn("Search unavailable: {}", e.getCause() == null ? "" : e.getCause().toString());
    ProblemDetail p =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "Search unavailable",
            "Search is unavailable for the moment; lists and records still answer. Retry"
                + " shortly.");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .body(p);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
    return badInput(List.of(new FieldError(e.getName(), "has an unusable value")));
  }

  @ExceptionHandler(AccessDeniedException.class)
  ProblemDetail forbidden(AccessDeniedException e) {
    return problem(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e) {
    log.error("Unhandled error", e);
    ProblemDetail p =
        problem(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "Internal error",
            "Something went wrong on our side. Quote the X-Request-Id header when reporting it.");
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(p);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    e.getBindingResult()
        .getFieldErrors()
        .forEach(f -> errors.add(new FieldError(f.getField(), f.getDefaultMessage())));
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldError(g.getObjectName(), g.getDefaultMessage())));
    return ResponseEntity.badRequest().body(badInput(errors));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String field = "body";
    String reason = "is not valid JSON for this endpoint";
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      // A domain rule checked while the body was read (in a record's constructor).
      if (cause instanceof InvalidField invalid) {
        return ResponseEntity.badRequest()
            .body(badInput(List.of(new FieldError(invalid.field(), invalid.reason()))));
      }
    }
    if (e.getCause() instanceof DatabindException db && !db.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (var ref : db.getPath()) {
        if (ref.getPropertyName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      field = path.toString();
      reason =
          db instanceof tools.jackson.databind.exc.UnrecognizedPropertyException
              ? "is not a field of this request"
              : "has a value of the wrong type or an unknown option";
    }
    return ResponseEntity.badRequest().body(badInput(List.of(new FieldError(field, reason))));
  }

  static ProblemDetail badInput(List<FieldError> errors) {
    ProblemDetail p =
        problem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            "Some fields are invalid: "
                + String.join(", ", errors.stream().map(FieldError::field).toList()));
    p.setProperty("errors", errors);
    return p;
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(title);
    return p;
  }
}
