package dev.crm.api.dashboard;

import dev.crm.api.auth.Caller;
import dev.crm.api.cache.CachedRead;
import dev.crm.api.shared.Queries;
import dev.crm.infra.cache.CacheFamily;
import dev.crm.query.dashboard.DashboardQueries.Dashboard;
import dev.crm.query.dashboard.DashboardQueries.GetDashboard;
import dev.crm.query.dashboard.DashboardQueries.Interval;
import dev.crm.query.shared.InvalidQuery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The tenant's dashboard: breakdowns of contacts, companies and campaigns, and new contacts. */
@RestController
@RequestMapping("/api/v1/dashboard")
@Tag(name = "Dashboard")
public class DashboardController {
  /** Without a range, the new-contact series covers the last 30 days up to today (UTC). */
  static final int DEFAULT_DAYS = 30;

  static final int DEFAULT_OWNERS = 20;
  static final int MAX_OWNERS = 200;

  private final Queries queries;
  private final Clock clock;

  public DashboardController(Queries queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  @GetMapping
  @CachedRead(cache = CacheFamily.DASHBOARD, scope = "dashboard")
  @Operation(
      summary =
          "Contacts by stage and owner, new contacts per day or week (from/to inclusive, UTC),"
              + " companies by industry and size, campaigns by state")
  public Dashboard get(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String interval,
      @RequestParam(required = false) Integer owners) {
    LocalDate end = to == null ? LocalDate.now(clock) : date("to", to);
    LocalDate start = from == null ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
    int ownerLimit = owners == null ? DEFAULT_OWNERS : owners;
    if (ownerLimit < 0 || ownerLimit > MAX_OWNERS) {
      throw new InvalidQuery("owners", "must be between 0 and " + MAX_OWNERS);
    }
    return queries.ask(
        new GetDashboard(caller.requireTenant(), start, end, interval(interval), ownerLimit),
        ResponseTypes.instanceOf(Dashboard.class));
  }

  private static LocalDate date(String parameter, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidQuery(parameter, "must be a date like 2026-01-31");
    }
  }

  private static Interval interval(String value) {
    if (value == null) {
      return Interval.DAY;
    }
    try {
      return Interval.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidQuery("interval", "must be day or week");
    }
  }
}
