package dev.crm.projections.shared;

import static dev.crm.db.jooq.Tables.CONTACT_ACTIVITY;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure the month partitions of the range-partitioned read tables exist before rows arrive for
 * them. A scheduled task creates them ahead (from last month to {@code crm.partitions.months-ahead}
 * months after this one, UTC, at start and then daily); projections ask for the month of every row
 * they write, since back-dated rows are normal. Months this node has seen are remembered, so the
 * common write costs no SQL. A row whose month has no partition would still be written, into the
 * table's default partition, where every query has to scan it.
 */
@Component
public class MonthlyPartitions {
  private static final Logger log = LoggerFactory.getLogger(MonthlyPartitions.class);

  /** A table partitioned by month of {@code key}, in partitions named {@code <table>_yYYYYmMM}. */
  public record MonthlyTable(Table<?> table, Field<OffsetDateTime> key) {
    public String partitionOf(YearMonth month) {
      return "%s_y%04dm%02d".formatted(table.getName(), month.getYear(), month.getMonthValue());
    }
  }

  /** The activity timeline, by month of occurred_at. */
  public static final MonthlyTable CONTACT_ACTIVITIES =
      new MonthlyTable(CONTACT_ACTIVITY, CONTACT_ACTIVITY.OCCURRED_AT);

  /** Every monthly table the scheduled task keeps ahead; campaign sends join when partitioned. */
  public static final List<MonthlyTable> TABLES = List.of(CONTACT_ACTIVITIES);

  private final DSLContext db;
  private final Clock clock;
  private final int monthsAhead;

  /**
   * Partitions are made in short transactions of their own: ATTACH PARTITION locks the default
   * partition, which every unbounded read of the table scans, so the lock must not last as long as
   * a projection's batch; and a month is remembered only once its partition is committed.
   */
  private final TransactionTemplate ownTransaction;

  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public MonthlyPartitions(
      DSLContext db,
      Clock clock,
      PlatformTransactionManager transactions,
      @Value("${crm.partitions.months-ahead:3}") int monthsAhead) {
    this.db = db;
    this.clock = clock;
    this.monthsAhead = monthsAhead;
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** Makes sure the partition of {@code table} holding {@code instant} (month in UTC) exists. */
  public void ensure(MonthlyTable table, Instant instant) {
    ensure(table, YearMonth.from(Times.utc(instant)));
  }

  public void ensure(MonthlyTable table, YearMonth month) {
    String partition = table.partitionOf(month);
    if (known.contains(partition)) {
      return;
    }
    // One creator per node at a time; the database serialises the nodes.
    synchronized (this) {
      if (!known.contains(partition)) {
        create(table, month);
      }
    }
  }

  /**
   * Creates the partitions from last month to {@link #monthsAhead} months after the current one,
   * for every monthly table. It asks the database every time, so a partition dropped by hand comes
   * back on the next run. Answers the partitions it created.
   */
  @Scheduled(
      initialDelayString = "${crm.partitions.initial-delay:PT0S}",
      fixedDelayString = "${crm.partitions.interval:P1D}")
  public List<String> createAhead() {
    YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    List<String> created = new ArrayList<>();
    for (MonthlyTable table : TABLES) {
      try {
        for (YearMonth m = current.minusMonths(1);
            !m.isAfter(current.plusMonths(monthsAhead));
            m = m.plusMonths(1)) {
          synchronized (this) {
            if (create(table, m)) {
              created.add(table.partitionOf(m));
            }
          }
        }
      } catch (DataAccessException e) {
        // Rows still land in the default partition; the next run, or a projection, tries again.
        log.warn("Could not create the monthly partitions of {}", table.table().getName(), e);
      }
    }
    if (!created.isEmpty()) {
      log.info("Created monthly partitions {}", created);
    }
    return created;
  }

  /** Whether this call created the partition; remembers it as existing either way. */
  private boolean create(MonthlyTable table, YearMonth month) {
    boolean created;
    try {
      created = callEnsure(table, month);
    } catch (DataAccessException e) {
      // A concurrent creator (another node) can win between the function's check and its CREATE
      // TABLE, which then fails; a fresh transaction finds the partition made.
      created = callEnsure(table, month);
    }
    known.add(table.partitionOf(month));
    return created;
  }

  private boolean callEnsure(MonthlyTable table, YearMonth month) {
    Boolean created =
        ownTransaction.execute(
            status -> {
              // Partition bounds of a timestamptz column are read in the session's time zone;
              // months are UTC months whatever the JVM's zone is.
              db.execute("set local time zone 'UTC'");
              return db.select(
                      DSL.function(
                          "crm_ensure_month_partition",
                          Boolean.class,
                          DSL.val(table.table().getName()),
                          DSL.val(table.key().getName()),
                          DSL.val(month.atDay(1))))
                  .fetchSingle()
                  .value1();
            });
    return Boolean.TRUE.equals(created);
  }
}
