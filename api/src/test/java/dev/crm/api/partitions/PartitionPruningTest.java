package dev.crm.api.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import dev.crm.projections.shared.MonthlyPartitions;
import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.contact.ContactQueries.ListContacts;
import dev.crm.query.contact.ContactQueryHandler;
import dev.crm.query.shared.ListRequest;
import dev.crm.query.timeline.TimelineQueries.ContactTimeline;
import dev.crm.query.timeline.TimelineQueries.TimelinePage;
import dev.crm.query.timeline.TimelineQueryHandler;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The queries the application issues touch one partition: a tenant's contact list reads the one
 * hash partition of its tenant, a contact's timeline for one month reads that month's partition.
 * The statements are captured as the query handlers send them and explained by PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionPruningTest extends ApiTestSupport {
  private static final List<YearMonth> MONTHS =
      List.of(
          YearMonth.of(2022, 1),
          YearMonth.of(2022, 2),
          YearMonth.of(2022, 3),
          YearMonth.of(2022, 4));

  @Autowired DSLContext db;
  @Autowired MonthlyPartitions partitions;

  private final List<UUID> tenants = new ArrayList<>();

  @BeforeAll
  void someTenantsWithContactsAndActivitiesOverSeveralMonths() {
    for (int i = 0; i < 4; i++) {
      tenants.add(UUID.randomUUID());
    }
    MONTHS.forEach(m -> partitions.ensure(MonthlyPartitions.CONTACT_ACTIVITIES, m));
    db.execute(
        """
        insert into contact (tenant_id, id, version, sort_name, email, lifecycle_stage, archived,
                             created_at, updated_at)
        select t, gen_random_uuid(), 0, 'name ' || i, 'c' || i || '@example.com', 'LEAD', i % 10 = 0,
               now() - i * interval '1 hour', now()
        from unnest(string_to_array(?, ',')::uuid[]) as t, generate_series(1, 200) as i
        """,
        csv(tenants));
    db.execute(
        """
        insert into contact_activity (tenant_id, contact_id, id, type, occurred_at, actor_id,
                                      subject, recorded_at)
        select c.tenant_id, c.id, gen_random_uuid(), 'NOTE',
               m + (n * 7 || ' days')::interval + interval '9 hours', 'pruning-test', 'note', now()
        from contact c,
             unnest(string_to_array(?, ',')::timestamptz[]) as m,
             generate_series(0, 2) as n
        where c.tenant_id = any(string_to_array(?, ',')::uuid[])
        """,
        csv(MONTHS.stream().map(m -> m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()).toList()),
        csv(tenants));
    db.execute("analyze contact");
    db.execute("analyze contact_activity");
  }

  @Test
  void aTenantsContactListScansOnlyItsTenantsPartition() {
    UUID tenant = tenants.get(1);
    String tenantsPartition =
        db.resultQuery(
                "select tableoid::regclass::text from contact where tenant_id = ? limit 1", tenant)
            .fetchSingle(0, String.class);
    ListContacts firstPage =
        new ListContacts(
            tenant.toString(),
            null,
            null,
            null,
            null,
            false,
            new ListRequest(null, false, null, 0));

    for (Captured statement :
        capture(db -> new ContactQueryHandler(db).handle(firstPage), ContactPage.class)) {
      if (statement.binds().isEmpty()) {
        // The first page of 50 asks for one more row to know whether a next page exists.
        assertThat(statement.sql()).containsPattern("(limit|fetch next) 51\\b");
      }
      assertThat(scannedRelations(statement)).as(statement.sql()).containsExactly(tenantsPartition);
    }
  }

  @Test
  void aContactsTimelineForOneMonthScansOnlyThatMonthsPartition() {
    UUID tenant = tenants.get(2);
    UUID contact =
        db.resultQuery("select id from contact where tenant_id = ? limit 1", tenant)
            .fetchSingle(0, UUID.class);
    ContactTimeline february =
        new ContactTimeline(
            tenant.toString(),
            contact.toString(),
            Instant.parse("2022-02-01T00:00:00Z"),
            Instant.parse("2022-03-01T00:00:00Z"),
            null,
            0);

    List<Captured> timelineReads =
        capture(
                db -> {
                  TimelinePage page = new TimelineQueryHandler(db).handle(february).orElseThrow();
                  assertThat(page.items()).hasSize(3);
                  return page;
                },
                TimelinePage.class)
            .stream()
            .filter(s -> s.sql().contains("contact_activity"))
            .toList();

    assertThat(timelineReads).hasSize(2);
    for (Captured statement : timelineReads) {
      assertThat(scannedRelations(statement))
          .as(statement.sql())
          .containsExactly("contact_activity_y2022m02");
    }
  }

  private static String csv(List<?> values) {
    return String.join(",", values.stream().map(Object::toString).toList());
  }

  /** A statement as the application sent it: its SQL and, unless inlined, its bind values. */
  record Captured(String sql, List<Object> binds) {}

  /**
   * Runs {@code query} twice and captures its statements: once with values inlined, so the plan
   * shows which partitions the planner kept, and once with bind values, as the application sends
   * it. Answers both; each must scan the same single partition.
   */
  private <T> List<Captured> capture(Function<DSLContext, T> query, Class<T> answer) {
    List<Captured> statements = new ArrayList<>();
    for (StatementType type :
        List.of(StatementType.STATIC_STATEMENT, StatementType.PREPARED_STATEMENT)) {
      Configuration recording =
          db.configuration()
              .deriveSettings(s -> ((Settings) s.clone()).withStatementType(type))
              .deriveAppending(
                  ExecuteListener.onExecuteStart(
                      ctx ->
                          statements.add(
                              new Captured(
                                  ctx.sql(),
                                  type == StatementType.STATIC_STATEMENT
                                      ? List.of()
                                      : ctx.query().getBindValues()))));
      assertThat(query.apply(recording.dsl())).isInstanceOf(answer);
    }
    assertThat(statements).isNotEmpty();
    return statements;
  }

  /** The tables and partitions PostgreSQL's plan reads, from EXPLAIN (FORMAT JSON). */
  private List<String> scannedRelations(Captured statement) {
    String plan =
        db.connectionResult(
            c -> {
              try (PreparedStatement explain =
                  c.prepareStatement("explain (format json) " + statement.sql())) {
                for (int i = 0; i < statement.binds().size(); i++) {
                  explain.setObject(i + 1, statement.binds().get(i));
                }
                try (ResultSet rs = explain.executeQuery()) {
                  rs.next();
                  return rs.getString(1);
                }
              }
            });
    List<String> relations = new ArrayList<>();
    collectRelations(JSON.readTree(plan), relations);
    return relations;
  }

  private static void collectRelations(JsonNode node, List<String> relations) {
    if (node.isObject() && node.has("Relation Name")) {
      relations.add(node.get("Relation Name").asString());
    }
    node.forEach(child -> collectRelations(child, relations));
  }
}
