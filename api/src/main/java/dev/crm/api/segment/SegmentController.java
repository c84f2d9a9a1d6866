package dev.crm.api.segment;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Idempotency;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.Versions;
import dev.crm.domain.segment.SegmentCommands.CreateSegment;
import dev.crm.domain.segment.SegmentCommands.DeleteSegment;
import dev.crm.domain.segment.SegmentCommands.UpdateSegment;
import dev.crm.domain.segment.SegmentDefinition;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.segment.SegmentQueries.CheckContactFilter;
import dev.crm.query.segment.SegmentQueries.ContactCount;
import dev.crm.query.segment.SegmentQueries.CountSegmentContacts;
import dev.crm.query.segment.SegmentQueries.FindSegmentById;
import dev.crm.query.segment.SegmentQueries.ListContactsMatching;
import dev.crm.query.segment.SegmentQueries.ListSegments;
import dev.crm.query.segment.SegmentQueries.SegmentPage;
import dev.crm.query.segment.SegmentQueries.SegmentView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Saved segments: a name and a contact filter. A filter is checked by the query side before it is
 * saved, so a saved segment was valid when saved. Its contacts are listed from the current contact
 * read table; its count is the one the projections keep with the contacts (or, for a filter that
 * reads the clock, counted from the contact table too).
 */
@RestController
@RequestMapping("/api/v1/segments")
@Tag(name = "Segments")
public class SegmentController {
  private static final String TYPE = "segment";
  private static final String COLLECTION = "/api/v1/segments";

  private final Commands commands;
  private final Queries queries;
  private final Idempotency idempotency;

  public SegmentController(Commands commands, Queries queries, Idempotency idempotency) {
    this.commands = commands;
    this.queries = queries;
    this.idempotency = idempotency;
  }

  record CreateSegmentRequest(@NotBlank @Size(max = 200) String name, @NotNull FilterBody filter) {}

  record UpdateSegmentRequest(@Size(min = 1, max = 200) String name, FilterBody filter) {}

  @PostMapping
  @Operation(summary = "Save a contact filter as a named segment")
  public ResponseEntity<CommandResult> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Valid @RequestBody CreateSegmentRequest body) {
    SegmentDefinition definition = checked(caller, body.filter());
    CommandResult result =
        idempotency.create(
            caller,
            TYPE,
            idempotencyKey,
            body,
            id ->
                new CreateSegment(
                    id, caller.requireTenant(), body.name(), definition, commands.now()));
    return Commands.created(COLLECTION, result);
  }

  @GetMapping("/{id}")
  @Operation(summary = "Read one segment; the ETag is its version")
  public ResponseEntity<SegmentView> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    SegmentView view = find(caller, id);
    return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
  }

  @GetMapping
  @Operation(summary = "List segments by name with cursor pagination")
  public SegmentPage list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    return queries.ask(
        new ListSegments(caller.requireTenant(), ListParams.of("name", order, cursor, limit)),
        ResponseTypes.instanceOf(SegmentPage.class));
  }

  @PatchMapping("/{id}")
  @Operation(summary = "Rename or redefine a segment; send If-Match with the version you read")
  public ResponseEntity<CommandResult> update(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody UpdateSegmentRequest body) {
    SegmentDefinition definition = body.filter() == null ? null : checked(caller, body.filter());
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new UpdateSegment(
                t.id(), t.tenantId(), t.expectedVersion(), body.name(), definition, t.at()));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Delete a segment (its contacts are untouched)")
  public ResponseEntity<CommandResult> delete(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new DeleteSegment(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @GetMapping("/{id}/contacts")
  @Operation(summary = "The segment's contacts now, with the contact list's sorts and cursors")
  public ContactPage contacts(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    SegmentView segment = find(caller, id);
    return queries.ask(
        new ListContactsMatching(
            caller.requireTenant(), segment.filter(), ListParams.of(sort, order, cursor, limit)),
        ResponseTypes.instanceOf(ContactPage.class));
  }

  @GetMapping("/{id}/count")
  @Operation(summary = "How many contacts the segment holds now")
  public ContactCount count(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return queries
        .find(new CountSegmentContacts(caller.requireTenant(), id), ContactCount.class)
        .orElseThrow(() -> new AggregateNotFound(TYPE, id));
  }

  private SegmentView find(Caller caller, String id) {
    return queries
        .find(new FindSegmentById(caller.requireTenant(), id), SegmentView.class)
        .orElseThrow(() -> new AggregateNotFound(TYPE, id));
  }

  /** The query side checks the filter's language before the aggregate ever sees it. */
  private SegmentDefinition checked(Caller caller, FilterBody filter) {
    queries.ask(
        new CheckContactFilter(caller.requireTenant(), filter.toQuery()),
        ResponseTypes.instanceOf(Boolean.class));
    return filter.toDefinition();
  }
}
