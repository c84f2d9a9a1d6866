package dev.crm.api.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.projections.shared.MonthlyPartitions;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The activity timeline's month partitions are made ahead by the maintenance task, and for
 * back-dated activities by the projection, so that no row waits in the default partition.
 */
class PartitionMaintenanceTest extends ApiTestSupport {
  @Autowired DSLContext db;
  @Autowired PlatformTransactionManager transactions;

  @Test
  void atStartTheMonthsFromLastToThreeAheadHavePartitions() {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () ->
                assertThat(partitions())
                    .containsAll(months(now.minusMonths(1), now.plusMonths(3))));
  }

  @Test
  void theTaskCreatesTheMonthsAheadOfItsClockAsTheClockMovesOn() {
    TestClock clock = new TestClock(Instant.now());
    MonthlyPartitions maintenance = new MonthlyPartitions(db, clock, transactions, 3);
    YearMonth now = YearMonth.now(clock);

    maintenance.createAhead();

    assertThat(partitions()).containsAll(months(now.minusMonths(1), now.plusMonths(3)));

    // A year and a half on: these months lie beyond the year ahead that activities may be logged
    // in, so no row lives there; they are dropped first so that this run is the one making them,
    // however often the test database was used before.
    List<String> later = months(now.plusMonths(17), now.plusMonths(21));
    later.forEach(p -> db.execute("drop table if exists " + p));
    assertThat(partitions()).doesNotContainAnyElementsOf(later);
    clock.set(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusMonths(18).toInstant());

    List<String> created = maintenance.createAhead();

    assertThat(created).containsExactlyElementsOf(later);
    assertThat(partitions()).containsAll(later);
  }

  @Test
  void everyActivityLandsInItsMonthsPartitionAndNoneInTheDefault() {
    Tenant t = newTenant();
    String contact = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    YearMonth thisMonth = YearMonth.from(now);
    Instant twoYearsBack = now.minusYears(2).toInstant();
    // Only this test logs activities two years back. Its partition is dropped first, so the
    // projection has to make it when the activity arrives.
    db.execute("drop table if exists " + partition(YearMonth.from(now.minusYears(2))));
    List<Instant> occurred =
        List.of(
            now.toInstant(),
            twoYearsBack,
            now.plusMonths(1).toInstant(),
            thisMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
            thisMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000));
    for (Instant at : occurred) {
      create(
          t.editor(),
          "/api/v1/contacts/" + contact + "/activities",
          Map.of("type", "note", "occurredAt", at.toString()));
    }

    await()
        .atMost(PROJECTION)
        .untilAsserted(() -> assertThat(rowsOf(t.id())).hasSize(occurred.size()));

    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (Record row : rowsOf(t.id())) {
      OffsetDateTime at = row.get("occurred_at", OffsetDateTime.class);
      expected.add(
          at.toInstant()
              + " in "
              + partition(YearMonth.from(at.atZoneSameInstant(ZoneOffset.UTC))));
      actual.add(at.toInstant() + " in " + row.get("partition", String.class));
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(actual).anyMatch(r -> r.endsWith(partition(YearMonth.from(now.minusYears(2)))));
    assertThat(db.fetchCount(DSL.table(DSL.name("contact_activity_default")))).isZero();
  }

  private List<Record> rowsOf(String tenantId) {
    return db.resultQuery(
            "select occurred_at, tableoid::regclass::text as partition from contact_activity"
                + " where tenant_id = ?::uuid",
            UUID.fromString(tenantId).toString())
        .fetch();
  }

  /** The partitions attached to contact_activity, by name. */
  private List<String> partitions() {
    return db.resultQuery(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = 'contact_activity'::regclass")
        .fetch(0, String.class);
  }

  private static List<String> months(YearMonth first, YearMonth last) {
    List<String> names = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      names.add(partition(m));
    }
    return names;
  }

  private static String partition(YearMonth month) {
    return "contact_activity_y%dm%02d".formatted(month.getYear(), month.getMonthValue());
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
