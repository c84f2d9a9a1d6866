package dev.crm.api.search;

import static dev.crm.api.shared.ListParams.upper;

import dev.crm.api.auth.Caller;
import dev.crm.api.cache.CachedRead;
import dev.crm.api.shared.Ids;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.ReadYourWrites;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.infra.cache.CacheFamily;
import dev.crm.query.search.SearchFreshness;
import dev.crm.query.search.SearchQueries.Archived;
import dev.crm.query.search.SearchQueries.AutocompleteCompanies;
import dev.crm.query.search.SearchQueries.AutocompleteContacts;
import dev.crm.query.search.SearchQueries.CompanySearchPage;
import dev.crm.query.search.SearchQueries.Completions;
import dev.crm.query.search.SearchQueries.ContactSearchPage;
import dev.crm.query.search.SearchQueries.SearchCompanies;
import dev.crm.query.search.SearchQueries.SearchContacts;
import dev.crm.query.search.SearchQueries.SearchSort;
import dev.crm.query.shared.InvalidQuery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Full-text search and autocomplete, answered from Elasticsearch. */
@RestController
@RequestMapping("/api/v1/search")
@Tag(name = "Search")
public class SearchController {
  private static final String CUSTOM = "custom.";

  private final Queries queries;
  private final ReadYourWrites readYourWrites;
  private final SearchFreshness freshness;

  public SearchController(
      Queries queries, ReadYourWrites readYourWrites, SearchFreshness freshness) {
    this.queries = queries;
    this.readYourWrites = readYourWrites;
    this.freshness = freshness;
  }

  @GetMapping("/contacts")
  @CachedRead(cache = CacheFamily.SEARCH, scope = "search")
  @Operation(
      summary =
          "Search contacts: q over names (typos forgiven), email, phone and company; filters,"
              + " facets, highlights, search_after cursor; custom fields filter as custom.<key>=value")
  public ContactSearchPage contacts(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String q,
      @RequestParam(required = false) List<String> stage,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) String companyId,
      @RequestParam(required = false) String createdFrom,
      @RequestParam(required = false) String createdTo,
      @RequestParam(required = false) String archived,
      @RequestParam(required = false) String sort,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "true") boolean facets,
      @Parameter(hidden = true) @RequestParam Map<String, String> all,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    Map<String, String> custom = new LinkedHashMap<>();
    all.forEach(
        (name, value) -> {
          if (name.startsWith(CUSTOM)) {
            custom.put(name.substring(CUSTOM.length()), value);
          }
        });
    SearchContacts query =
        new SearchContacts(
            caller.requireTenant(),
            q,
            stage == null ? List.of() : stage.stream().map(s -> upper(s)).toList(),
            tag,
            owner,
            Ids.optional("companyId", companyId),
            instant("createdFrom", createdFrom, false),
            instant("createdTo", createdTo, true),
            custom,
            archived(archived),
            sort(sort),
            ascending(order, sort),
            cursor,
            limit,
            facets);
    awaitSearch(caller, consistencyToken, tokenHeader, response);
    return queries.ask(query, ResponseTypes.instanceOf(ContactSearchPage.class));
  }

  @GetMapping("/contacts/autocomplete")
  @CachedRead(cache = CacheFamily.SEARCH, scope = "search")
  @Operation(summary = "Contacts whose name or email starts with prefix, as the user types")
  public Completions contactCompletions(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String prefix,
      @RequestParam(defaultValue = "8") int limit,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    awaitSearch(caller, consistencyToken, tokenHeader, response);
    return queries.ask(
        new AutocompleteContacts(caller.requireTenant(), prefix, limit),
        ResponseTypes.instanceOf(Completions.class));
  }

  @GetMapping("/companies")
  @CachedRead(cache = CacheFamily.SEARCH, scope = "search")
  @Operation(summary = "Search companies by name (typos forgiven) or domain, with filters")
  public CompanySearchPage companies(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String q,
      @RequestParam(required = false) String industry,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String archived,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    SearchCompanies query =
        new SearchCompanies(
            caller.requireTenant(), q, industry, upper(status), archived(archived), cursor, limit);
    awaitSearch(caller, consistencyToken, tokenHeader, response);
    return queries.ask(query, ResponseTypes.instanceOf(CompanySearchPage.class));
  }

  @GetMapping("/companies/autocomplete")
  @CachedRead(cache = CacheFamily.SEARCH, scope = "search")
  @Operation(summary = "Companies whose name or domain starts with prefix")
  public Completions companyCompletions(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String prefix,
      @RequestParam(defaultValue = "8") int limit,
      @RequestParam(required = false) String consistencyToken,
      @RequestHeader(name = ReadYourWrites.HEADER, required = false) String tokenHeader,
      HttpServletResponse response) {
    awaitSearch(caller, consistencyToken, tokenHeader, response);
    return queries.ask(
        new AutocompleteCompanies(caller.requireTenant(), prefix, limit),
        ResponseTypes.instanceOf(Completions.class));
  }

  private void awaitSearch(
      Caller caller, String param, String header, HttpServletResponse response) {
    long position = readYourWrites.await(param, header, caller, ProcessingGroups.SEARCH, response);
    if (position >= 0) {
      freshness.ensureVisible(position);
    }
  }

  private static Archived archived(String value) {
    if (value == null) {
      return Archived.EXCLUDE;
    }
    try {
      return Archived.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidQuery("archived", "must be one of exclude, include, only");
    }
  }

  private static SearchSort sort(String value) {
    if (value == null) {
      return null;
    }
    try {
      return SearchSort.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidQuery("sort", "must be one of relevance, created, updated, name");
    }
  }

  /** Dates and times sort newest first, names from A, unless order says otherwise. */
  private static boolean ascending(String order, String sort) {
    if (order == null) {
      return "name".equalsIgnoreCase(sort);
    }
    if (order.equalsIgnoreCase("asc")) {
      return true;
    }
    if (order.equalsIgnoreCase("desc")) {
      return false;
    }
    throw new InvalidQuery("order", "must be asc or desc");
  }

  /** An ISO instant, or a date: its UTC start, or (for an upper bound) the next day's start. */
  private static Instant instant(String parameter, String value, boolean upperBound) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        LocalDate day = LocalDate.parse(value);
        return (upperBound ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidQuery(parameter, "must be an ISO date (2026-01-31) or instant");
      }
    }
  }
}
