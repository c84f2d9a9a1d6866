package dev.crm.api.company;

import static dev.crm.api.shared.ListParams.upper;

import dev.crm.api.auth.Caller;
import dev.crm.api.cache.CachedRead;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Idempotency;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.ReadYourWrites;
import dev.crm.api.shared.Versions;
import dev.crm.domain.company.CompanyCommands.ArchiveCompany;
import dev.crm.domain.company.CompanyCommands.CreateCompany;
import dev.crm.domain.company.CompanyCommands.RestoreCompany;
import dev.crm.domain.company.CompanyCommands.UpdateCompany;
import dev.crm.domain.company.CompanyStatus;
import dev.crm.domain.company.Priority;
import dev.crm.domain.company.SizeBand;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.infra.cache.CacheFamily;
import dev.crm.query.company.CompanyQueries.CompanyPage;
import dev.crm.query.company.CompanyQueries.CompanyView;
import dev.crm.query.company.CompanyQueries.FindCompanyById;
import dev.crm.query.company.CompanyQueries.ListCompanies;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
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

/** Companies: commands go to the company aggregate, reads come from the company read table. */
@RestController
@RequestMapping("/api/v1/companies")
@Tag(name = "Companies")
public class CompanyController {
  private static final String TYPE = "company";
  private static final String COLLECTION = "/api/v1/companies";

  private final Commands commands;
  private final Queries queries;
  private final ReadYourWrites readYourWrites;
  private final Idempotency idempotency;

  public CompanyController(
      Commands commands, Queries queries, Idempotency idempotency, ReadYourWrites readYourWrites) {
    this.readYourWrites = readYourWrites;
    this.commands = commands;
    this.queries = queries;
    this.idempotency = idempotency;
  }

  record CreateCompanyRequest(
      @NotBlank @Size(max = 200) String name,
      @Size(max = 200) String domain,
      @Size(max = 200) String industry,
      SizeBand sizeBand,
      @Min(0) Integer employeeCount,
      @DecimalMin("0") BigDecimal annualRevenue,
      CompanyStatus status,
      Priority priority,
      @Size(max = 200) String ownerId) {}

  record UpdateCompanyRequest(
      @Size(min = 1, max = 200) String name,
      @Size(max = 200) String domain,
      @Size(max = 200) String industry,
      SizeBand sizeBand,
      @Min(0) Integer employeeCount,
      @DecimalMin("0") BigDecimal annualRevenue,
      CompanyStatus status,
      Priority priority,
      @Size(max = 200) String ownerId) {}

  @PostMapping
  @Operation(summary = "Create a company")
  public ResponseEntity<CommandResult> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Valid @RequestBody CreateCompanyRequest body) {
    CommandResult result =
        idempotency.create(
            caller,
            "company",
            idempotencyKey,
            body,
            id ->
                new CreateCompany(
                    id,
                    caller.requireTenant(),
                    body.name(),
                    body.domain(),
                    body.industry(),
                    body.sizeBand(),
                    body.employeeCount(),
                    body.annualRevenue(),
                    body.status(),
                    body.priority(),
                    body.ownerId(),
                    commands.now()));
    return Commands.created(COLLECTION, result);
  }

  @GetMapping("/{id}")
  @CachedRead(cache = CacheFamily.DETAIL, scope = "company:{id}")
  @Operation(summary = "Read one company; the ETag is its version")
  public ResponseEntity<CompanyView> get(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    readYourWrites.await(
        consistencyToken, tokenHeader, caller, ProcessingGroups.COMPANY_TABLE, response);
    CompanyView view =
        queries
            .find(new FindCompanyById(caller.requireTenant(), id), CompanyView.class)
            .orElseThrow(() -> new AggregateNotFound(TYPE, id));
    return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
  }

  @GetMapping
  @CachedRead(cache = CacheFamily.LIST, scope = "companies")
  @Operation(summary = "List companies with filters, a sort and cursor pagination")
  public CompanyPage list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) String industry,
      @RequestParam(defaultValue = "false") boolean includeArchived,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    readYourWrites.await(
        consistencyToken, tokenHeader, caller, ProcessingGroups.COMPANY_TABLE, response);
    ListCompanies query =
        new ListCompanies(
            caller.requireTenant(),
            upper(status),
            owner,
            industry,
            includeArchived,
            ListParams.of(sort, order, cursor, limit));
    return queries.ask(query, ResponseTypes.instanceOf(CompanyPage.class));
  }

  @PatchMapping("/{id}")
  @Operation(summary = "Change some fields; send If-Match with the version you read")
  public ResponseEntity<CommandResult> update(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody UpdateCompanyRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new UpdateCompany(
                t.id(),
                t.tenantId(),
                t.expectedVersion(),
                body.name(),
                body.domain(),
                body.industry(),
                body.sizeBand(),
                body.employeeCount(),
                body.annualRevenue(),
                body.status(),
                body.priority(),
                body.ownerId(),
                t.at()));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Archive the company (it can be restored)")
  public ResponseEntity<CommandResult> archive(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new ArchiveCompany(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/restore")
  @Operation(summary = "Restore an archived company")
  public ResponseEntity<CommandResult> restore(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new RestoreCompany(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }
}
