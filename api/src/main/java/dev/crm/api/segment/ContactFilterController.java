package dev.crm.api.segment;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.ListParams;
import dev.crm.api.shared.Queries;
import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.segment.SegmentQueries.ContactCount;
import dev.crm.query.segment.SegmentQueries.CountContactsMatching;
import dev.crm.query.segment.SegmentQueries.ListContactsMatching;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ad-hoc contact filters. They are reads, but a filter is a JSON document, so they are POSTs that a
 * viewer key may send.
 */
@RestController
@RequestMapping("/api/v1/contacts/filter")
@Tag(name = "Segments")
public class ContactFilterController {
  private final Queries queries;

  public ContactFilterController(Queries queries) {
    this.queries = queries;
  }

  record FilterRequest(
      @NotNull FilterBody filter, String sort, String order, String cursor, Integer limit) {}

  record CountRequest(@NotNull FilterBody filter) {}

  @PostMapping
  @Operation(
      summary = "Contacts matching a filter, with the contact list's sorts and cursors",
      description =
          "Groups are OR-ed, the filters of a group AND-ed. neq and not_in also match contacts"
              + " without a value; exists means a non-empty value; comparisons never match a"
              + " missing value. Archived contacts are left out unless the filter names the"
              + " field archived.")
  public ContactPage filter(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody FilterRequest body) {
    ListContactsMatching query =
        new ListContactsMatching(
            caller.requireTenant(),
            body.filter().toQuery(),
            ListParams.of(body.sort(), body.order(), body.cursor(), body.limit()));
    return queries.ask(query, ResponseTypes.instanceOf(ContactPage.class));
  }

  @PostMapping("/count")
  @Operation(summary = "How many contacts match a filter")
  public ContactCount count(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody CountRequest body) {
    return queries.ask(
        new CountContactsMatching(caller.requireTenant(), body.filter().toQuery()),
        ResponseTypes.instanceOf(ContactCount.class));
  }
}
