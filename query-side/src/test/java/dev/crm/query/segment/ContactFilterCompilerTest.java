package dev.crm.query.segment;

import static dev.crm.db.jooq.Tables.CONTACT;
import static dev.crm.db.jooq.Tables.CUSTOM_FIELD_DEFINITION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crm.db.TestDatabase;
import dev.crm.query.segment.SegmentFilter.Filter;
import dev.crm.query.segment.SegmentFilter.FilterGroup;
import dev.crm.query.shared.InvalidQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL a filter compiles to, on the real PostgreSQL: values and custom field keys are bound,
 * never spliced into the statement, and the operators are the ones the indexes answer.
 */
class ContactFilterCompilerTest {
  private static final String HOSTILE = "x'); DROP TABLE contact; --";

  private static Connection connection;
  private static DSLContext db;
  private static ContactFilterCompiler compiler;

  @BeforeAll
  static void migrate() throws SQLException {
    TestDatabase.Coordinates coordinates = TestDatabase.get();
    Flyway.configure()
        .dataSource(coordinates.url(), coordinates.user(), coordinates.password())
        .load()
        .migrate();
    connection = coordinates.connect();
    db = DSL.using(connection, SQLDialect.POSTGRES);
    compiler = new ContactFilterCompiler(db, Clock.systemUTC());
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  private static SegmentFilter filter(Filter... filters) {
    return new SegmentFilter(List.of(new FilterGroup(List.of(filters))));
  }

  private static UUID tenantWithTextField(String key) {
    UUID tenant = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.now();
    db.insertInto(CUSTOM_FIELD_DEFINITION)
        .set(CUSTOM_FIELD_DEFINITION.TENANT_ID, tenant)
        .set(CUSTOM_FIELD_DEFINITION.OBJECT_TYPE, "contact")
        .set(CUSTOM_FIELD_DEFINITION.KEY, key)
        .set(CUSTOM_FIELD_DEFINITION.VERSION, 0L)
        .set(CUSTOM_FIELD_DEFINITION.LABEL, key)
        .set(CUSTOM_FIELD_DEFINITION.TYPE, "text")
        .set(CUSTOM_FIELD_DEFINITION.CREATED_AT, now)
        .set(CUSTOM_FIELD_DEFINITION.UPDATED_AT, now)
        .execute();
    return tenant;
  }

  @Test
  void valuesAndCustomFieldKeysAreBoundNeverInlined() {
    UUID tenant = tenantWithTextField("secretPlanKey");
    Condition where =
        compiler.compile(
            tenant,
            filter(
                new Filter("firstName", "eq", List.of(HOSTILE)),
                new Filter("lastName", "contains", List.of(HOSTILE)),
                new Filter("tags", "contains", List.of(HOSTILE)),
                new Filter("company.name", "starts_with", List.of(HOSTILE)),
                new Filter("custom.secretPlanKey", "eq", List.of(HOSTILE)),
                new Filter("custom.secretPlanKey", "contains", List.of(HOSTILE))));

    String sql = db.render(db.selectCount().from(CONTACT).where(where));

    assertThat(sql).doesNotContain("DROP").doesNotContain("secretPlanKey");
    assertThat(db.fetchCount(CONTACT, where)).isZero();
  }

  @Test
  void tagsCompileToTheArrayOperatorsOfTheGinIndex() {
    String sql =
        db.render(
            compiler.compile(
                UUID.randomUUID(),
                new SegmentFilter(
                    List.of(
                        new FilterGroup(List.of(new Filter("tags", "contains", List.of("vip")))),
                        new FilterGroup(List.of(new Filter("tags", "in", List.of("a", "b"))))))));

    assertThat(sql)
        .contains("\"contact\".\"tags\" @> cast(? as text[])")
        .contains("\"contact\".\"tags\" && cast(? as text[])");
  }

  @Test
  void customFieldEqualityIsJsonbContainment() {
    UUID tenant = tenantWithTextField("plan");

    String sql =
        db.render(
            compiler.compile(tenant, filter(new Filter("custom.plan", "eq", List.of("pro")))));

    assertThat(sql).contains("\"contact\".\"custom_fields\" @> cast(? as jsonb)");
  }

  @Test
  void customFieldsOfAnotherTenantAreUnknown() {
    tenantWithTextField("plan");

    assertThatThrownBy(
            () ->
                compiler.compile(
                    UUID.randomUUID(), filter(new Filter("custom.plan", "eq", List.of("pro")))))
        .isInstanceOf(InvalidQuery.class)
        .extracting(e -> ((InvalidQuery) e).parameter())
        .isEqualTo("filter.groups[0].filters[0].field");
  }

  @Test
  void archivedContactsAreLeftOutUnlessTheFilterNamesArchived() {
    UUID tenant = UUID.randomUUID();

    String without =
        db.render(compiler.compile(tenant, filter(new Filter("leadScore", "gt", List.of("5")))));
    String with =
        db.render(compiler.compile(tenant, filter(new Filter("archived", "eq", List.of("true")))));

    assertThat(without).contains("\"contact\".\"archived\" = false");
    assertThat(with).doesNotContain("\"contact\".\"archived\" = false");
  }
}
