package dev.crm.api.contact;

import static dev.crm.api.shared.ListParams.upper;

import dev.crm.api.auth.Caller;
import dev.crm.api.cache.CachedRead;
import dev.crm.api.contact.ContactRequests.ChangeStageRequest;
import dev.crm.api.contact.ContactRequests.CompanyLinkRequest;
import dev.crm.api.contact.ContactRequests.CreateContactRequest;
import dev.crm.api.contact.ContactRequests.TagsRequest;
import dev.crm.api.contact.ContactRequests.UpdateContactRequest;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Idempotency;
import dev.crm.api.shared.Ids;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.ReadYourWrites;
import dev.crm.api.shared.Versions;
import dev.crm.domain.contact.ContactCommands.AddContactTags;
import dev.crm.domain.contact.ContactCommands.ArchiveContact;
import dev.crm.domain.contact.ContactCommands.ChangeLifecycleStage;
import dev.crm.domain.contact.ContactCommands.CreateContact;
import dev.crm.domain.contact.ContactCommands.LinkContactToCompany;
import dev.crm.domain.contact.ContactCommands.RemoveContactTags;
import dev.crm.domain.contact.ContactCommands.RestoreContact;
import dev.crm.domain.contact.ContactCommands.UnlinkContactFromCompany;
import dev.crm.domain.contact.ContactCommands.UpdateContactDetails;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.infra.cache.CacheFamily;
import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.contact.ContactQueries.ContactView;
import dev.crm.query.contact.ContactQueries.FindContactById;
import dev.crm.query.contact.ContactQueries.ListContacts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.util.List;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Contacts: commands go to the contact aggregate, reads come from the contact read table. */
@RestController
@RequestMapping("/api/v1/contacts")
@Tag(name = "Contacts")
public class ContactController {
  private static final String TYPE = "contact";
  private static final String COLLECTION = "/api/v1/contacts";

  private final Commands commands;
  private final Queries queries;
  private final ReadYourWrites readYourWrites;
  private final Idempotency idempotency;

  public ContactController(
      Commands commands, Queries queries, Idempotency idempotency, ReadYourWrites readYourWrites) {
    this.readYourWrites = readYourWrites;
    this.commands = commands;
    this.queries = queries;
    this.idempotency = idempotency;
  }

  @PostMapping
  @Operation(summary = "Create a contact; the primary email must be unique in the tenant")
  public ResponseEntity<CommandResult> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Valid @RequestBody CreateContactRequest body) {
    String companyId = Ids.optional("companyId", body.companyId());
    CommandResult result =
        idempotency.create(
            caller,
            "contact",
            idempotencyKey,
            body,
            id ->
                new CreateContact(
                    id,
                    caller.requireTenant(),
                    body.firstName(),
                    body.lastName(),
                    body.email(),
                    body.emails() == null ? List.of() : body.emails(),
                    body.phones() == null ? List.of() : body.phones(),
                    companyId,
                    body.ownerId(),
                    body.lifecycleStage(),
                    body.leadScore(),
                    body.tags(),
                    body.optIns(),
                    body.customFields(),
                    commands.now()));
    return Commands.created(COLLECTION, result);
  }

  @GetMapping("/{id}")
  @CachedRead(cache = CacheFamily.DETAIL, scope = "contact:{id}")
  @Operation(summary = "Read one contact; the ETag is its version")
  public ResponseEntity<ContactView> get(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    readYourWrites.await(
        consistencyToken, tokenHeader, caller, ProcessingGroups.CONTACT_TABLE, response);
    ContactView view =
        queries
            .find(new FindContactById(caller.requireTenant(), id), ContactView.class)
            .orElseThrow(() -> new AggregateNotFound(TYPE, id));
    return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
  }

  @GetMapping
  @CachedRead(cache = CacheFamily.LIST, scope = "contacts")
  @Operation(summary = "List contacts with filters, a sort and cursor pagination")
  public ContactPage list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String stage,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) String companyId,
      @RequestParam(required = false) String tag,
      @RequestParam(defaultValue = "false") boolean includeArchived,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    readYourWrites.await(
        consistencyToken, tokenHeader, caller, ProcessingGroups.CONTACT_TABLE, response);
    ListContacts query =
        new ListContacts(
            caller.requireTenant(),
            upper(stage),
            owner,
            Ids.optional("companyId", companyId),
            tag,
            includeArchived,
            ListParams.of(sort, order, cursor, limit));
    return queries.ask(query, ResponseTypes.instanceOf(ContactPage.class));
  }

  @PatchMapping("/{id}")
  @Operation(summary = "Change some details; send If-Match with the version you read")
  public ResponseEntity<CommandResult> update(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody UpdateContactRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new UpdateContactDetails(
                t.id(),
                t.tenantId(),
                t.expectedVersion(),
                body.firstName(),
                body.lastName(),
                body.email(),
                body.emails(),
                body.phones(),
                body.ownerId(),
                body.leadScore(),
                body.optIns(),
                body.customFields(),
                t.at()));
  }

  @PostMapping("/{id}/stage")
  @Operation(summary = "Move the contact to another lifecycle stage")
  public ResponseEntity<CommandResult> changeStage(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody ChangeStageRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new ChangeLifecycleStage(
                t.id(), t.tenantId(), t.expectedVersion(), body.lifecycleStage(), t.at()));
  }

  @PostMapping("/{id}/tags")
  @Operation(summary = "Add tags")
  public ResponseEntity<CommandResult> addTags(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody TagsRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new AddContactTags(t.id(), t.tenantId(), t.expectedVersion(), body.tags(), t.at()));
  }

  @PostMapping("/{id}/tags/remove")
  @Operation(summary = "Remove tags")
  public ResponseEntity<CommandResult> removeTags(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody TagsRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new RemoveContactTags(t.id(), t.tenantId(), t.expectedVersion(), body.tags(), t.at()));
  }

  @PutMapping("/{id}/company")
  @Operation(summary = "Link the contact to a company of the same tenant")
  public ResponseEntity<CommandResult> linkCompany(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody CompanyLinkRequest body) {
    String companyId = Ids.optional("companyId", body.companyId());
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new LinkContactToCompany(t.id(), t.tenantId(), t.expectedVersion(), companyId, t.at()));
  }

  @DeleteMapping("/{id}/company")
  @Operation(summary = "Unlink the contact from its company")
  public ResponseEntity<CommandResult> unlinkCompany(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new UnlinkContactFromCompany(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Archive the contact (it can be restored)")
  public ResponseEntity<CommandResult> archive(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new ArchiveContact(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/restore")
  @Operation(summary = "Restore an archived contact")
  public ResponseEntity<CommandResult> restore(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new RestoreContact(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }
}
