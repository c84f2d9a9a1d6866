package dev.crm.api.campaign;

import static dev.crm.api.shared.ListParams.upper;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Idempotency;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.Versions;
import dev.crm.domain.campaign.CampaignCommands.CancelCampaign;
import dev.crm.domain.campaign.CampaignCommands.CompleteCampaign;
import dev.crm.domain.campaign.CampaignCommands.CreateCampaign;
import dev.crm.domain.campaign.CampaignCommands.LaunchCampaign;
import dev.crm.domain.campaign.CampaignCommands.PauseCampaign;
import dev.crm.domain.campaign.CampaignCommands.ResumeCampaign;
import dev.crm.domain.campaign.CampaignCommands.ScheduleCampaign;
import dev.crm.domain.campaign.Channel;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.query.campaign.CampaignQueries.CampaignPage;
import dev.crm.query.campaign.CampaignQueries.CampaignView;
import dev.crm.query.campaign.CampaignQueries.FindCampaignById;
import dev.crm.query.campaign.CampaignQueries.ListCampaigns;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Campaigns and their state machine: draft → scheduled → running ⇄ paused → completed, or
 * cancelled. A step the machine does not allow answers 409 naming the current state.
 */
@RestController
@RequestMapping("/api/v1/campaigns")
@Tag(name = "Campaigns")
public class CampaignController {
  private static final String TYPE = "campaign";
  private static final String COLLECTION = "/api/v1/campaigns";

  private final Commands commands;
  private final Queries queries;
  private final Idempotency idempotency;

  public CampaignController(Commands commands, Queries queries, Idempotency idempotency) {
    this.commands = commands;
    this.queries = queries;
    this.idempotency = idempotency;
  }

  record CreateCampaignRequest(
      @NotBlank @Size(max = 200) String name,
      @NotNull Channel channel,
      @Size(max = 5000) String description) {}

  record ScheduleRequest(@NotNull Instant startAt) {}

  @PostMapping
  @Operation(summary = "Create a campaign in draft")
  public ResponseEntity<CommandResult> create(
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Valid @RequestBody CreateCampaignRequest body) {
    CommandResult result =
        idempotency.create(
            caller,
            "campaign",
            idempotencyKey,
            body,
            id ->
                new CreateCampaign(
                    id,
                    caller.requireTenant(),
                    body.name(),
                    body.channel(),
                    body.description(),
                    commands.now()));
    return Commands.created(COLLECTION, result);
  }

  @GetMapping("/{id}")
  @Operation(summary = "Read one campaign; the ETag is its version")
  public ResponseEntity<CampaignView> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    CampaignView view =
        queries
            .find(new FindCampaignById(caller.requireTenant(), id), CampaignView.class)
            .orElseThrow(() -> new AggregateNotFound(TYPE, id));
    return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
  }

  @GetMapping
  @Operation(summary = "List campaigns with filters, a sort and cursor pagination")
  public CampaignPage list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    ListCampaigns query =
        new ListCampaigns(
            caller.requireTenant(),
            upper(state),
            upper(channel),
            ListParams.of(sort, order, cursor, limit));
    return queries.ask(query, ResponseTypes.instanceOf(CampaignPage.class));
  }

  @PostMapping("/{id}/schedule")
  @Operation(summary = "Schedule (or reschedule) the launch")
  public ResponseEntity<CommandResult> schedule(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @Valid @RequestBody ScheduleRequest body) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t ->
            new ScheduleCampaign(
                t.id(), t.tenantId(), t.expectedVersion(), body.startAt(), t.at()));
  }

  @PostMapping("/{id}/launch")
  @Operation(summary = "Launch a scheduled campaign")
  public ResponseEntity<CommandResult> launch(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new LaunchCampaign(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/pause")
  @Operation(summary = "Pause a running campaign")
  public ResponseEntity<CommandResult> pause(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new PauseCampaign(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/resume")
  @Operation(summary = "Resume a paused campaign")
  public ResponseEntity<CommandResult> resume(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new ResumeCampaign(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/complete")
  @Operation(summary = "Complete a running or paused campaign")
  public ResponseEntity<CommandResult> complete(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new CompleteCampaign(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }

  @PostMapping("/{id}/cancel")
  @Operation(summary = "Cancel a campaign that has not ended")
  public ResponseEntity<CommandResult> cancel(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return commands.change(
        caller,
        TYPE,
        id,
        ifMatch,
        t -> new CancelCampaign(t.id(), t.tenantId(), t.expectedVersion(), t.at()));
  }
}
