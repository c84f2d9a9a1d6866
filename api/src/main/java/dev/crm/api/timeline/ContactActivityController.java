package dev.crm.api.timeline;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Ids;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.TimeBounds;
import dev.crm.api.timeline.ActivityRequests.LogActivityRequest;
import dev.crm.domain.contact.ContactCommands.LogActivity;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.query.timeline.TimelineQueries.ActivityView;
import dev.crm.query.timeline.TimelineQueries.ContactTimeline;
import dev.crm.query.timeline.TimelineQueries.FindActivity;
import dev.crm.query.timeline.TimelineQueries.TimelinePage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A contact's activity timeline: activities are logged through the contact aggregate and read from
 * the timeline read table, newest first.
 */
@RestController
@RequestMapping("/api/v1/contacts/{contactId}/activities")
@Tag(name = "Activity timeline")
public class ContactActivityController {
  private static final String CONTACT = "contact";

  private final Commands commands;
  private final Queries queries;

  public ContactActivityController(Commands commands, Queries queries) {
    this.commands = commands;
    this.queries = queries;
  }

  @PostMapping
  @Operation(
      summary =
          "Log a note, call, meeting or email on the contact; answers the activity's id and the"
              + " contact's new version")
  public ResponseEntity<CommandResult> log(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String contactId,
      @Valid @RequestBody LogActivityRequest body) {
    String contact = Ids.path(CONTACT, contactId);
    String activityId = UUID.randomUUID().toString();
    Long version =
        commands.send(
            caller,
            new LogActivity(
                contact,
                caller.requireTenant(),
                activityId,
                body.type(),
                body.occurredAt(),
                body.actorId() == null ? caller.keyId() : body.actorId(),
                body.subject(),
                body.body(),
                body.outcome(),
                commands.now()));
    return ResponseEntity.created(
            URI.create("/api/v1/contacts/" + contact + "/activities/" + activityId))
        .body(new CommandResult(activityId, version));
  }

  @GetMapping
  @Operation(
      summary =
          "The contact's activities, newest first, with cursor pagination; from (inclusive) and"
              + " to (exclusive) bound when they occurred")
  public TimelinePage timeline(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String contactId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    ContactTimeline query =
        new ContactTimeline(
            caller.requireTenant(),
            contactId,
            TimeBounds.instant("from", from),
            TimeBounds.instant("to", to),
            cursor,
            ListParams.limit(limit));
    return queries
        .find(query, TimelinePage.class)
        .orElseThrow(() -> new AggregateNotFound(CONTACT, contactId));
  }

  @GetMapping("/{activityId}")
  @Operation(summary = "One activity of the contact")
  public ActivityView get(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String contactId,
      @PathVariable String activityId) {
    return queries
        .find(new FindActivity(caller.requireTenant(), contactId, activityId), ActivityView.class)
        .orElseThrow(() -> new AggregateNotFound("activity", activityId));
  }
}
