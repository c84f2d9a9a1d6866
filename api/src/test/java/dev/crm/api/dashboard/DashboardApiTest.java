package dev.crm.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboard over HTTP: its counts follow every write and never cross tenants. */
class DashboardApiTest extends ApiTestSupport {

  @Test
  void countsFollowCreatesChangesAndArchives() throws Exception {
    Tenant t = newTenant();
    String software = company(t, "Acme", "Software", "S_11_50");
    company(t, "Globex", "Software", "S_51_200");
    String retail = company(t, "Initech", "Retail", "S_11_50");
    assertThat(t.editor().delete("/api/v1/companies/" + retail).status()).isEqualTo(200);

    String[] ids = new String[6];
    String[] stages = {"LEAD", "LEAD", "LEAD", "CUSTOMER", "SUBSCRIBER", "LEAD"};
    String[] owners = {"ann", "ann", "bob", null, "bob", "ann"};
    for (int i = 0; i < ids.length; i++) {
      Map<String, Object> body = contact(uniqueEmail());
      body.put("lifecycleStage", stages[i]);
      if (owners[i] != null) {
        body.put("ownerId", owners[i]);
      }
      body.put("companyId", software);
      ids[i] = create(t.editor(), "/api/v1/contacts", body);
    }
    // A stage change, an owner change and an archive move counts between keys.
    assertThat(
            t.editor()
                .post(
                    "/api/v1/contacts/" + ids[0] + "/stage",
                    Map.of("lifecycleStage", "OPPORTUNITY"))
                .status())
        .isEqualTo(200);
    assertThat(t.editor().patch("/api/v1/contacts/" + ids[2], Map.of("ownerId", "cy")).status())
        .isEqualTo(200);
    assertThat(t.editor().delete("/api/v1/contacts/" + ids[5]).status()).isEqualTo(200);
    create(t.editor(), "/api/v1/campaigns", Map.of("name", "Spring", "channel", "email"));
    create(t.editor(), "/api/v1/campaigns", Map.of("name", "Summer", "channel", "sms"));

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              JsonNode d = t.viewer().get("/api/v1/dashboard").json();
              JsonNode contacts = d.get("contacts");
              assertThat(counts(contacts.get("byStage")))
                  .isEqualTo(
                      Map.of("LEAD", 2L, "OPPORTUNITY", 1L, "CUSTOMER", 1L, "SUBSCRIBER", 1L));
              assertThat(contacts.get("total").asLong()).isEqualTo(5);
              assertThat(counts(contacts.get("byOwner")))
                  .isEqualTo(Map.of("ann", 2L, "bob", 1L, "cy", 1L, "(none)", 1L));
              JsonNode companies = d.get("companies");
              assertThat(counts(companies.get("byIndustry"))).isEqualTo(Map.of("Software", 2L));
              assertThat(counts(companies.get("bySize")))
                  .isEqualTo(Map.of("S_11_50", 1L, "S_51_200", 1L));
              assertThat(counts(d.get("campaigns").get("byState"))).isEqualTo(Map.of("DRAFT", 2L));
              // Creation is a fact of its day: the archived contact still counts as new today.
              JsonNode today = d.get("contacts").get("newContacts").get(29);
              assertThat(today.get("start").asString())
                  .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
              assertThat(today.get("count").asLong()).isEqualTo(6);
            });

    // The counts kept by the triggers equal a fresh count over the read table.
    assertThat(countsInDatabase(t.id(), "contact.stage"))
        .isEqualTo(
            recount(
                t.id(),
                "SELECT lifecycle_stage, count(*) FROM contact"
                    + " WHERE tenant_id = ? AND NOT archived GROUP BY 1"));
    assertThat(countsInDatabase(t.id(), "contact.owner"))
        .isEqualTo(
            recount(
                t.id(),
                "SELECT coalesce(owner_id, ''), count(*) FROM contact"
                    + " WHERE tenant_id = ? AND NOT archived GROUP BY 1"));
  }

  @Test
  void weeksSumTheirDaysAndEmptyBucketsAreZero() {
    Tenant t = newTenant();
    create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String range = "from=" + today.minusDays(20) + "&to=" + today;

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              JsonNode weeks =
                  t.viewer()
                      .get("/api/v1/dashboard?interval=week&" + range)
                      .json()
                      .get("contacts")
                      .get("newContacts");
              assertThat(weeks.size()).isBetween(3, 4);
              long sum = 0;
              for (JsonNode w : weeks) {
                assertThat(LocalDate.parse(w.get("start").asString()).getDayOfWeek().getValue())
                    .isEqualTo(1);
                sum += w.get("count").asLong();
              }
              assertThat(sum).isEqualTo(2);
            });
    JsonNode days = t.viewer().get("/api/v1/dashboard?" + range).json();
    assertThat(days.get("contacts").get("newContacts")).hasSize(21);
    assertThat(days.get("contacts").get("newContacts").get(0).get("count").asLong()).isZero();
  }

  @Test
  void anotherTenantSeesNothingOfThisOne() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String id = create(a.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitVersion(a.viewer(), "/api/v1/contacts/" + id, 0);

    JsonNode seenByB = b.viewer().get("/api/v1/dashboard").json();

    assertThat(seenByB.get("contacts").get("total").asLong()).isZero();
    assertThat(seenByB.get("contacts").get("byStage")).isEmpty();
    long newForB = 0;
    for (JsonNode p : seenByB.get("contacts").get("newContacts")) {
      newForB += p.get("count").asLong();
    }
    assertThat(newForB).isZero();
  }

  @Test
  void badRangesAreRejectedNamingTheParameter() {
    Tenant t = newTenant();

    assertThat(problemParameter(t, "from=2026-02-01&to=2026-01-01")).isEqualTo("from");
    assertThat(problemParameter(t, "from=2024-01-01&to=2026-01-01")).isEqualTo("to");
    assertThat(problemParameter(t, "from=yesterday")).isEqualTo("from");
    assertThat(problemParameter(t, "interval=month")).isEqualTo("interval");
    assertThat(anonymous().get("/api/v1/dashboard").status()).isEqualTo(401);
  }

  private static String problemParameter(Tenant t, String query) {
    Response r = t.viewer().get("/api/v1/dashboard?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    return r.json().get("errors").get(0).get("field").asString();
  }

  private static String company(Tenant t, String name, String industry, String size) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("industry", industry);
    body.put("sizeBand", size);
    return create(t.editor(), "/api/v1/companies", body);
  }

  private static Map<String, Long> counts(JsonNode list) {
    Map<String, Long> counts = new TreeMap<>();
    for (JsonNode c : list) {
      String key = c.get("key").isNull() ? "(none)" : c.get("key").asString();
      counts.put(key, c.get("count").asLong());
    }
    return counts;
  }

  private static Map<String, Long> countsInDatabase(String tenant, String metric) throws Exception {
    try (Connection c = TestDatabase.get().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT key, count FROM dashboard_count"
                    + " WHERE tenant_id = ? AND metric = ? AND count <> 0")) {
      s.setObject(1, UUID.fromString(tenant));
      s.setString(2, metric);
      return read(s);
    }
  }

  private static Map<String, Long> recount(String tenant, String sql) throws Exception {
    try (Connection c = TestDatabase.get().connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, UUID.fromString(tenant));
      return read(s);
    }
  }

  private static Map<String, Long> read(PreparedStatement s) throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }
}
