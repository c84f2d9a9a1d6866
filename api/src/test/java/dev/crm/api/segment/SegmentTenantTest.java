package dev.crm.api.segment;

import static dev.crm.api.segment.SegmentApiTest.allOf;
import static dev.crm.api.segment.SegmentApiTest.anyOf;
import static dev.crm.api.segment.SegmentApiTest.cond;
import static dev.crm.api.segment.SegmentApiTest.count;
import static dev.crm.api.segment.SegmentApiTest.fields;
import static dev.crm.api.segment.SegmentApiTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two tenants with the same emails, tags, stages, company names and custom field values: a tenant's
 * filters and segments only ever see its own contacts, and another tenant's segment does not exist
 * for it.
 */
class SegmentTenantTest extends ApiTestSupport {

  /** A tenant's data: its company and its contacts, each a VIP lead at that company. */
  private record Data(String company, List<String> contacts) {}

  /** Defines text fields through the API and waits until filters can use them. */
  private static void define(Tenant t, String... keys) {
    for (String key : keys) {
      Response defined =
          t.admin()
              .post(
                  "/api/v1/custom-fields/contact",
                  Map.of("key", key, "label", key, "type", "text"));
      assertThat(defined.status()).as(defined.body()).isEqualTo(201);
      awaitVersion(
          t.viewer(),
          "/api/v1/custom-fields/contact/" + key,
          defined.json().get("version").asLong());
    }
  }

  private Data seed(Tenant t, int contacts, Map<String, String> customFields) {
    define(t, customFields.keySet().toArray(String[]::new));
    String company =
        create(
            t.editor(),
            "/api/v1/companies",
            Map.of("name", "Acme", "industry", "Software", "sizeBand", "S_11_50"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < contacts; i++) {
      Map<String, Object> body = contact("shared" + i + "@example.com");
      body.put("lifecycleStage", "LEAD");
      body.put("tags", List.of("vip"));
      body.put("companyId", company);
      body.put("leadScore", 50);
      body.put("customFields", customFields);
      ids.add(create(t.editor(), "/api/v1/contacts", body));
    }
    return new Data(company, ids);
  }

  private static List<String> filtered(Client client, Map<String, Object> filter) {
    Response r = client.post("/api/v1/contacts/filter", Map.of("filter", filter, "limit", 200));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ids(r);
  }

  @Test
  void filtersOnlyEverSeeTheCallersContacts() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    // Both tenants define "tier"; only A defines "plan".
    Data dataA = seed(a, 5, Map.of("plan", "pro", "tier", "gold"));
    Data dataB = seed(b, 2, Map.of("tier", "gold"));
    Map<String, Object> everything =
        anyOf(cond("archived", "eq", false), cond("archived", "eq", true));
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              assertThat(count(a.viewer(), everything)).isEqualTo(5);
              assertThat(count(b.viewer(), everything)).isEqualTo(2);
            });

    List<Map<String, Object>> sameInBoth =
        List.of(
            everything,
            allOf(cond("lifecycleStage", "eq", "LEAD"), cond("tags", "contains", List.of("vip"))),
            allOf(cond("email", "in", List.of("shared0@example.com", "shared1@example.com"))),
            allOf(cond("email", "contains", "@EXAMPLE.com")),
            allOf(cond("company.industry", "eq", "Software"), cond("leadScore", "gte", 50)),
            allOf(cond("company.name", "starts_with", "ac")),
            allOf(cond("company.sizeBand", "neq", "S_1_10")),
            allOf(cond("custom.tier", "eq", "gold")),
            allOf(cond("companyId", "exists", null)));
    for (Map<String, Object> filter : sameInBoth) {
      assertThat(filtered(b.viewer(), filter))
          .as(filter.toString())
          .containsExactlyInAnyOrderElementsOf(dataB.contacts());
      assertThat(count(b.viewer(), filter)).as(filter.toString()).isEqualTo(2);
      assertThat(filtered(a.viewer(), filter))
          .as(filter.toString())
          .isNotEmpty()
          .isSubsetOf(dataA.contacts());
    }
    assertThat(filtered(b.viewer(), allOf(cond("companyId", "eq", dataA.company())))).isEmpty();
    assertThat(
            count(
                b.viewer(),
                allOf(cond("companyId", "in", List.of(dataA.company(), dataB.company())))))
        .isEqualTo(2);
    assertThat(filtered(b.viewer(), allOf(cond("companyId", "neq", dataA.company()))))
        .containsExactlyInAnyOrderElementsOf(dataB.contacts());
    Response foreignKey =
        b.viewer()
            .post(
                "/api/v1/contacts/filter/count",
                Map.of("filter", allOf(cond("custom.plan", "eq", "pro"))));
    assertThat(foreignKey.status()).isEqualTo(400);
    assertThat(fields(foreignKey)).containsExactly("filter.groups[0].filters[0].field");
    assertThat(count(a.viewer(), allOf(cond("custom.plan", "eq", "pro")))).isEqualTo(5);
  }

  @Test
  void anotherTenantsSegmentDoesNotExist() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    seed(a, 3, Map.of("tier", "gold"));
    seed(b, 1, Map.of("tier", "gold"));
    Map<String, Object> vips = allOf(cond("tags", "contains", List.of("vip")));
    String segmentA =
        create(a.editor(), "/api/v1/segments", Map.of("name", "VIPs", "filter", vips));
    String segmentB =
        create(b.editor(), "/api/v1/segments", Map.of("name", "VIPs", "filter", vips));
    String pathA = "/api/v1/segments/" + segmentA;
    awaitVersion(a.viewer(), pathA, 0);
    awaitVersion(b.viewer(), "/api/v1/segments/" + segmentB, 0);
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              assertThat(a.viewer().get(pathA + "/count").json().get("count").asLong())
                  .isEqualTo(3);
              assertThat(
                      b.viewer()
                          .get("/api/v1/segments/" + segmentB + "/count")
                          .json()
                          .get("count")
                          .asLong())
                  .isEqualTo(1);
            });

    assertThat(b.viewer().get(pathA).status()).isEqualTo(404);
    assertThat(b.viewer().get(pathA + "/count").status()).isEqualTo(404);
    assertThat(b.viewer().get(pathA + "/contacts").status()).isEqualTo(404);
    assertThat(b.editor().header("If-Match", "\"0\"").patch(pathA, Map.of("name", "Mine")).status())
        .isEqualTo(404);
    assertThat(
            b.editor().patch(pathA, Map.of("filter", allOf(cond("leadScore", "gt", 1)))).status())
        .isEqualTo(404);
    assertThat(b.editor().delete(pathA).status()).isEqualTo(404);
    assertThat(b.viewer().get("/api/v1/segments").json().get("items"))
        .extracting(s -> s.get("id").asString())
        .containsExactly(segmentB);
    Response untouched = a.viewer().get(pathA);
    assertThat(untouched.json().get("version").asLong()).isZero();
    assertThat(untouched.json().get("name").asString()).isEqualTo("VIPs");
    assertThat(b.viewer().get("/api/v1/segments/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(b.viewer().get("/api/v1/segments/not-an-id").status()).isEqualTo(404);
  }
}
