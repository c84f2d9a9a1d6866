package dev.crm.query.dashboard;

import static dev.crm.db.jooq.Tables.DASHBOARD_COUNT;

import dev.crm.query.dashboard.DashboardQueries.CampaignStats;
import dev.crm.query.dashboard.DashboardQueries.CompanyStats;
import dev.crm.query.dashboard.DashboardQueries.ContactStats;
import dev.crm.query.dashboard.DashboardQueries.Count;
import dev.crm.query.dashboard.DashboardQueries.Dashboard;
import dev.crm.query.dashboard.DashboardQueries.GetDashboard;
import dev.crm.query.dashboard.DashboardQueries.Interval;
import dev.crm.query.dashboard.DashboardQueries.Point;
import dev.crm.query.shared.InvalidQuery;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * Answers the dashboard from DASHBOARD_COUNT, which triggers on the read tables keep exact in the
 * same transaction as each write (see V5). One index range read of the tenant's count rows: the
 * breakdowns are a few dozen rows and the new-contact series one row per day of the range, however
 * many contacts the tenant has.
 */
@Component
public class DashboardQueryHandler {
  /** The longest range of daily points a request may ask for: bounded work per request. */
  static final int MAX_DAYS = 366;

  /** The longest range of weekly points: five years of weeks. */
  static final int MAX_WEEKS = 53 * 5;

  static final String CREATED_DAY = "contact.created_day";

  private final DSLContext db;

  public DashboardQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public Dashboard handle(GetDashboard query) {
    requireRange(query);
    Map<String, List<Count>> breakdowns = new HashMap<>();
    Map<LocalDate, Long> created = new TreeMap<>();
    db.select(DASHBOARD_COUNT.METRIC, DASHBOARD_COUNT.KEY, DASHBOARD_COUNT.COUNT)
        .from(DASHBOARD_COUNT)
        .where(
            DASHBOARD_COUNT.TENANT_ID.eq(UUID.fromString(query.tenantId())),
            DASHBOARD_COUNT.COUNT.ne(0L),
            DASHBOARD_COUNT
                .METRIC
                .ne(CREATED_DAY)
                .or(DASHBOARD_COUNT.KEY.between(query.from().toString(), query.to().toString())))
        .forEach(
            r -> {
              if (CREATED_DAY.equals(r.value1())) {
                created.put(LocalDate.parse(r.value2()), r.value3());
              } else {
                breakdowns
                    .computeIfAbsent(r.value1(), k -> new ArrayList<>())
                    .add(new Count(r.value2().isEmpty() ? null : r.value2(), r.value3()));
              }
            });
    List<Count> stages = sorted(breakdowns.get("contact.stage"));
    List<Count> owners = sorted(breakdowns.get("contact.owner"));
    List<Count> topOwners = owners.subList(0, Math.min(query.ownerLimit(), owners.size()));
    ContactStats contacts =
        new ContactStats(
            total(stages),
            stages,
            topOwners,
            total(owners) - total(topOwners),
            query.interval(),
            series(query, created));
    List<Count> industries = sorted(breakdowns.get("company.industry"));
    CompanyStats companies =
        new CompanyStats(total(industries), industries, sorted(breakdowns.get("company.size")));
    List<Count> states = sorted(breakdowns.get("campaign.state"));
    return new Dashboard(contacts, companies, new CampaignStats(total(states), states));
  }

  private static void requireRange(GetDashboard query) {
    if (query.from().isAfter(query.to())) {
      throw new InvalidQuery("from", "must not be after to");
    }
    long buckets =
        query.interval() == Interval.DAY
            ? ChronoUnit.DAYS.between(query.from(), query.to()) + 1
            : ChronoUnit.WEEKS.between(weekOf(query.from()), weekOf(query.to())) + 1;
    long max = query.interval() == Interval.DAY ? MAX_DAYS : MAX_WEEKS;
    if (buckets > max) {
      throw new InvalidQuery(
          "to", "the range holds " + buckets + " points, at most " + max + " are allowed");
    }
  }

  /** Every bucket of the range, zero where no contact was created, oldest first. */
  private static List<Point> series(GetDashboard query, Map<LocalDate, Long> createdPerDay) {
    Map<LocalDate, Long> buckets = new TreeMap<>();
    LocalDate first = query.interval() == Interval.DAY ? query.from() : weekOf(query.from());
    for (LocalDate d = first;
        !d.isAfter(query.to());
        d = query.interval() == Interval.DAY ? d.plusDays(1) : d.plusWeeks(1)) {
      buckets.put(d, 0L);
    }
    createdPerDay.forEach(
        (day, n) ->
            buckets.merge(query.interval() == Interval.DAY ? day : weekOf(day), n, Long::sum));
    return buckets.entrySet().stream().map(e -> new Point(e.getKey(), e.getValue())).toList();
  }

  private static LocalDate weekOf(LocalDate day) {
    return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  /** Largest first; ties by key, so the order is stable. */
  private static List<Count> sorted(List<Count> counts) {
    if (counts == null) {
      return List.of();
    }
    return counts.stream()
        .sorted(
            Comparator.comparingLong(Count::count)
                .reversed()
                .thenComparing(Count::key, Comparator.nullsLast(Comparator.naturalOrder())))
        .toList();
  }

  private static long total(List<Count> counts) {
    return counts.stream().mapToLong(Count::count).sum();
  }
}
