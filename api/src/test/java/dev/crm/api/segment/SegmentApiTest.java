package dev.crm.api.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.customfield.CustomFields;
import dev.crm.domain.company.CompanyStatus;
import dev.crm.domain.company.SizeBand;
import dev.crm.domain.contact.LifecycleStage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Saved segments and ad-hoc filters over HTTP, as a client uses them. */
class SegmentApiTest extends ApiTestSupport {

  static Map<String, Object> cond(String field, String op, Object value) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("field", field);
    f.put("op", op);
    if (value instanceof List<?> values) {
      f.put("values", values);
    } else if (value != null) {
      f.put("value", value);
    }
    return f;
  }

  /** One group of AND-ed conditions. */
  @SafeVarargs
  static Map<String, Object> allOf(Map<String, Object>... conditions) {
    return Map.of("groups", List.of(Map.of("filters", List.of(conditions))));
  }

  /** Groups OR-ed, each of one condition. */
  @SafeVarargs
  static Map<String, Object> anyOf(Map<String, Object>... conditions) {
    List<Object> groups = new ArrayList<>();
    for (Map<String, Object> c : conditions) {
      groups.add(Map.of("filters", List.of(c)));
    }
    return Map.of("groups", groups);
  }

  static long count(Client client, Map<String, Object> filter) {
    Response r = client.post("/api/v1/contacts/filter/count", Map.of("filter", filter));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("count").asLong();
  }

  static List<String> ids(Response page) {
    List<String> ids = new ArrayList<>();
    page.json().get("items").forEach(c -> ids.add(c.get("id").asString()));
    return ids;
  }

  static List<String> fields(Response problem) {
    List<String> fields = new ArrayList<>();
    problem.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }

  private static String contact(Client editor, String stage, List<String> tags) {
    Map<String, Object> body = contact(uniqueEmail());
    body.put("lifecycleStage", stage);
    body.put("tags", tags);
    return create(editor, "/api/v1/contacts", body);
  }

  private static void awaitCount(Client client, Map<String, Object> filter, long expected) {
    await()
        .atMost(PROJECTION)
        .untilAsserted(() -> assertThat(count(client, filter)).isEqualTo(expected));
  }

  @Test
  void savedSegmentIsReadRedefinedAndDeleted() {
    Tenant t = newTenant();
    String lead = contact(t.editor(), "LEAD", List.of());
    String vipLead = contact(t.editor(), "LEAD", List.of("vip"));
    String vipCustomer = contact(t.editor(), "CUSTOMER", List.of("vip"));
    Map<String, Object> leads = allOf(cond("lifecycleStage", "eq", "lead"));
    awaitCount(t.viewer(), leads, 2);

    Response created =
        t.editor().post("/api/v1/segments", Map.of("name", "Leads", "filter", leads));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    String path = "/api/v1/segments/" + id;
    assertThat(created.header("Location")).isEqualTo(path);
    Response read = awaitVersion(t.viewer(), path, 0);
    assertThat(read.header("ETag")).isEqualTo("\"0\"");
    assertThat(read.json().get("name").asString()).isEqualTo("Leads");
    JsonNode stored = read.json().get("filter").get("groups").get(0).get("filters").get(0);
    assertThat(stored.get("field").asString()).isEqualTo("lifecycleStage");
    assertThat(stored.get("op").asString()).isEqualTo("eq");
    assertThat(stored.get("values").get(0).asString()).isEqualTo("lead");
    assertThat(t.viewer().get(path + "/count").json().get("count").asLong()).isEqualTo(2);
    assertThat(ids(t.viewer().get(path + "/contacts"))).containsExactlyInAnyOrder(lead, vipLead);

    Response redefined =
        t.editor()
            .header("If-Match", "\"0\"")
            .patch(
                path,
                Map.of("name", "VIPs", "filter", allOf(cond("tags", "contains", List.of("vip")))));

    assertThat(redefined.status()).as(redefined.body()).isEqualTo(200);
    assertThat(redefined.json().get("version").asLong()).isEqualTo(1);
    assertThat(awaitVersion(t.viewer(), path, 1).json().get("name").asString()).isEqualTo("VIPs");
    assertThat(ids(t.viewer().get(path + "/contacts?sort=name")))
        .containsExactlyInAnyOrder(vipLead, vipCustomer);
    Response stale = t.editor().header("If-Match", "\"0\"").patch(path, Map.of("name", "Old"));
    assertThat(stale.status()).isEqualTo(412);

    Response deleted = t.editor().delete(path);

    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    await()
        .atMost(PROJECTION)
        .untilAsserted(() -> assertThat(t.viewer().get(path).status()).isEqualTo(404));
    assertThat(t.viewer().get(path + "/count").status()).isEqualTo(404);
    assertThat(t.viewer().get(path + "/contacts").status()).isEqualTo(404);
    assertThat(t.editor().patch(path, Map.of("name", "Back")).status()).isEqualTo(404);
    assertThat(t.editor().delete(path).status()).isEqualTo(404);
    assertThat(t.viewer().get("/api/v1/segments").json().get("items")).isEmpty();
  }

  @Test
  void segmentMembersAreComputedFromTheContactsAsTheyAreNow() {
    Tenant t = newTenant();
    contact(t.editor(), "LEAD", List.of());
    String segment =
        create(
            t.editor(),
            "/api/v1/segments",
            Map.of("name", "Leads", "filter", allOf(cond("lifecycleStage", "eq", "LEAD"))));
    String path = "/api/v1/segments/" + segment;
    awaitVersion(t.viewer(), path, 0);
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () ->
                assertThat(t.viewer().get(path + "/count").json().get("count").asLong())
                    .isEqualTo(1));

    String later = contact(t.editor(), "LEAD", List.of());

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> assertThat(ids(t.viewer().get(path + "/contacts"))).contains(later).hasSize(2));
    assertThat(t.viewer().get(path + "/count").json().get("count").asLong()).isEqualTo(2);
  }

  /**
   * A saved segment on a custom field counts as an ad-hoc filter would while the definition
   * changes: removing the field makes both answer 400 naming it; defining it again brings back the
   * contacts' kept values.
   */
  @Test
  void savedSegmentOnACustomFieldFollowsItsDefinition() {
    Tenant t = newTenant();
    CustomFields.define(t.admin(), CustomFields.choice("plan", "dropdown", List.of("free", "pro")));
    Map<String, Object> pro = allOf(cond("custom.plan", "eq", "pro"));
    for (String plan : List.of("pro", "pro", "free")) {
      Map<String, Object> body = contact(uniqueEmail());
      body.put("customFields", Map.of("plan", plan));
      create(t.editor(), "/api/v1/contacts", body);
    }
    awaitCount(t.viewer(), pro, 2);
    String path =
        "/api/v1/segments/"
            + create(t.editor(), "/api/v1/segments", Map.of("name", "Pro", "filter", pro));
    awaitVersion(t.viewer(), path, 0);
    assertThat(t.viewer().get(path + "/count").json().get("count").asLong()).isEqualTo(2);

    assertThat(t.admin().delete(CustomFields.PATH + "/plan").status()).isEqualTo(200);

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response count = t.viewer().get(path + "/count");
              assertThat(count.status()).as(count.body()).isEqualTo(400);
              assertThat(fields(count)).containsExactly("filter.groups[0].filters[0].field");
            });
    Response adHoc = t.viewer().post("/api/v1/contacts/filter/count", Map.of("filter", pro));
    assertThat(adHoc.status()).isEqualTo(400);
    assertThat(fields(adHoc)).containsExactly("filter.groups[0].filters[0].field");

    CustomFields.define(t.admin(), CustomFields.choice("plan", "dropdown", List.of("free", "pro")));

    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response count = t.viewer().get(path + "/count");
              assertThat(count.status()).as(count.body()).isEqualTo(200);
              assertThat(count.json().get("count").asLong()).isEqualTo(2);
            });
  }

  @Test
  void filterPagesWithTheContactListsSortsAndCursors() {
    Tenant t = newTenant();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(contact(t.editor(), "MQL", List.of()));
    }
    contact(t.editor(), "LEAD", List.of());
    Map<String, Object> mqls = allOf(cond("lifecycleStage", "in", List.of("MQL", "SQL")));
    awaitCount(t.viewer(), mqls, 5);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("filter", mqls);
      body.put("sort", "created");
      body.put("order", "desc");
      body.put("limit", 2);
      body.put("cursor", cursor);
      Response page = t.viewer().post("/api/v1/contacts/filter", body);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(page.json().get("items").size()).isLessThanOrEqualTo(2);
      seen.addAll(ids(page));
      JsonNode next = page.json().get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null);

    assertThat(seen).isEqualTo(created.reversed());
  }

  @Test
  void archivedContactsCountOnlyWhenTheFilterNamesArchived() {
    Tenant t = newTenant();
    contact(t.editor(), "LEAD", List.of());
    String gone = contact(t.editor(), "LEAD", List.of());
    assertThat(t.editor().delete("/api/v1/contacts/" + gone).status()).isEqualTo(200);
    Map<String, Object> archived = allOf(cond("archived", "eq", true));
    awaitCount(t.viewer(), archived, 1);

    assertThat(count(t.viewer(), allOf(cond("lifecycleStage", "eq", "LEAD")))).isEqualTo(1);
    assertThat(
            count(t.viewer(), anyOf(cond("archived", "eq", false), cond("archived", "eq", "true"))))
        .isEqualTo(2);
    assertThat(
            ids(
                t.viewer()
                    .post(
                        "/api/v1/contacts/filter",
                        Map.of(
                            "filter",
                            allOf(
                                cond("lifecycleStage", "eq", "LEAD"),
                                cond("archived", "eq", true))))))
        .containsExactly(gone);
  }

  /** A filter the API must refuse, and the path its answer must name. */
  private record Bad(String path, Map<String, Object> filter) {}

  @Test
  void badFiltersAreRefusedNamingThePathAndNothingIsSaved() {
    Tenant t = newTenant();
    Map<String, Object> ok = cond("lifecycleStage", "eq", "LEAD");
    Map<String, Object> twentyOne = Map.of("filters", Collections.nCopies(21, ok));
    Map<String, Object> twenty = Map.of("filters", Collections.nCopies(20, ok));
    Map<String, Object> eleven = Map.of("filters", Collections.nCopies(11, ok));
    Map<String, Object> withOperatorTypo = new LinkedHashMap<>(ok);
    withOperatorTypo.put("operator", "eq");
    Map<String, Object> both = new LinkedHashMap<>(ok);
    both.put("values", List.of("MQL"));
    List<Bad> bad =
        List.of(
            new Bad("filter.groups[1].filters[0].field", anyOf(ok, cond("shoeSize", "eq", "42"))),
            new Bad("filter.groups[0].filters[1].op", allOf(ok, cond("leadScore", "approx", 10))),
            new Bad("filter.groups[0].filters[0].op", allOf(cond("leadScore", "contains", "1"))),
            new Bad("filter.groups[0].filters[0].values", allOf(cond("leadScore", "gt", "high"))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(cond("lifecycleStage", "eq", "royalty"))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(cond("createdAt", "after", "yesterday"))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(cond("leadScore", "between", List.of(1)))),
            new Bad("filter.groups[0].filters[0].values", allOf(cond("tags", "exists", "vip"))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(cond("leadScore", "between", List.of(9, 1)))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(cond("company.sizeBand", "eq", "huge"))),
            new Bad("filter.groups[0].filters[0].values", allOf(cond("companyId", "eq", "acme"))),
            new Bad("filter.groups[0].filters[0].values", allOf(both)),
            new Bad(
                "filter.groups[0].filters[0].value",
                allOf(cond("leadScore", "eq", Map.of("n", 1)))),
            new Bad("filter.groups[0].filters[0].operator", allOf(withOperatorTypo)),
            new Bad("filter.groups[0].filters[0].field", allOf(cond("custom.plan", "eq", "pro"))),
            new Bad("filter.groups[0].filters[0].field", allOf(cond("company.revenue", "gt", 1))),
            new Bad(
                "filter.groups",
                Map.of("groups", Collections.nCopies(11, Map.of("filters", List.of(ok))))),
            new Bad("filter.groups", Map.of("groups", List.of(twenty, twenty, eleven))),
            new Bad("filter.groups", Map.of("groups", List.of())),
            new Bad("filter.groups[0].filters", Map.of("groups", List.of(twentyOne))),
            new Bad(
                "filter.groups[0].filters[0].values",
                allOf(
                    cond("tags", "in", IntStream.range(0, 101).mapToObj(i -> "t" + i).toList()))));

    for (Bad b : bad) {
      Response saved =
          t.editor().post("/api/v1/segments", Map.of("name", "Bad", "filter", b.filter()));
      Response counted =
          t.viewer().post("/api/v1/contacts/filter/count", Map.of("filter", b.filter()));
      for (Response r : List.of(saved, counted)) {
        assertThat(r.status()).as(b.path() + " " + r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(fields(r)).as(r.body()).containsExactly(b.path());
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("select");
      }
    }
    Response noFilter = t.editor().post("/api/v1/segments", Map.of("name", "Bad"));
    Response noName = t.editor().post("/api/v1/segments", Map.of("filter", allOf(ok)));
    assertThat(fields(noFilter)).containsExactly("filter");
    assertThat(fields(noName)).containsExactly("name");
    assertThat(t.viewer().get("/api/v1/segments").json().get("items")).isEmpty();
  }

  @Test
  void viewersMayFilterAndReadSegmentsButNotSaveThem() {
    Tenant t = newTenant();
    Map<String, Object> filter = allOf(cond("tags", "exists", null));

    assertThat(t.viewer().post("/api/v1/contacts/filter", Map.of("filter", filter)).status())
        .isEqualTo(200);
    assertThat(t.viewer().post("/api/v1/contacts/filter/count", Map.of("filter", filter)).status())
        .isEqualTo(200);
    assertThat(t.viewer().get("/api/v1/segments").status()).isEqualTo(200);
    assertThat(
            t.viewer().post("/api/v1/segments", Map.of("name", "Mine", "filter", filter)).status())
        .isEqualTo(403);
    assertThat(anonymous().post("/api/v1/contacts/filter/count", Map.of("filter", filter)).status())
        .isEqualTo(401);
  }

  @Test
  void segmentsAreListedByNameWithCursors() {
    Tenant t = newTenant();
    Map<String, Object> filter = allOf(cond("leadScore", "gte", 50));
    for (String name : List.of("beta", "Alpha", "delta", "Charlie", "echo")) {
      create(t.editor(), "/api/v1/segments", Map.of("name", name, "filter", filter));
    }

    List<String> names = new ArrayList<>();
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              names.clear();
              String cursor = null;
              do {
                Response page =
                    t.viewer()
                        .get(
                            "/api/v1/segments?limit=2"
                                + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).as(page.body()).isEqualTo(200);
                page.json().get("items").forEach(s -> names.add(s.get("name").asString()));
                JsonNode next = page.json().get("nextCursor");
                cursor = next == null || next.isNull() ? null : next.asString();
              } while (cursor != null);
              assertThat(names).containsExactly("Alpha", "beta", "Charlie", "delta", "echo");
            });
  }

  @Test
  void sameIdempotencyKeySavesOneSegment() {
    Tenant t = newTenant();
    Map<String, Object> body = Map.of("name", "Once", "filter", allOf(cond("leadScore", "gt", 10)));

    Response first = t.editor().header("Idempotency-Key", "seg-1").post("/api/v1/segments", body);
    Response again = t.editor().header("Idempotency-Key", "seg-1").post("/api/v1/segments", body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    awaitVersion(t.viewer(), "/api/v1/segments/" + first.json().get("id").asString(), 0);
    assertThat(t.viewer().get("/api/v1/segments").json().get("items")).hasSize(1);
  }

  /** The read side spells the domain's enums itself; every value of theirs must be accepted. */
  @Test
  void everyStageSizeBandAndStatusOfTheDomainIsAFilterValue() {
    Tenant t = newTenant();
    for (LifecycleStage stage : LifecycleStage.values()) {
      assertThat(count(t.viewer(), allOf(cond("lifecycleStage", "eq", stage.name())))).isZero();
    }
    for (SizeBand size : SizeBand.values()) {
      assertThat(count(t.viewer(), allOf(cond("company.sizeBand", "eq", size.name())))).isZero();
    }
    for (CompanyStatus status : CompanyStatus.values()) {
      assertThat(count(t.viewer(), allOf(cond("company.status", "in", List.of(status.name())))))
          .isZero();
    }
  }
}
