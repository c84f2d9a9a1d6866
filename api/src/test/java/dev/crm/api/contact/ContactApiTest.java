package dev.crm.api.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.customfield.CustomFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Contacts over HTTP, from command to event store to read table and back. */
class ContactApiTest extends ApiTestSupport {
  private static Response awaitContact(Client client, String id, long version) {
    return ApiTestSupport.awaitVersion(client, "/api/v1/contacts/" + id, version);
  }

  @Test
  void createdContactLinkedToCompanyIsReadBackAndListed() {
    Tenant t = newTenant();
    String company =
        create(t.editor(), "/api/v1/companies", Map.of("name", "Globex", "domain", "globex.com"));
    CustomFields.define(t.admin(), "shoeSize", "number");
    Map<String, Object> body = contact(uniqueEmail());
    body.put("companyId", company);
    body.put("lifecycleStage", "lead");
    body.put("tags", List.of("vip"));
    body.put("customFields", Map.of("shoeSize", " 042 "));

    Response created = t.editor().post("/api/v1/contacts", body);

    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asString();
    assertThat(created.header("Location")).isEqualTo("/api/v1/contacts/" + id);
    assertThat(created.json().get("version").asLong()).isZero();
    JsonNode read = awaitContact(t.viewer(), id, 0).json();
    assertThat(read.get("companyId").asString()).isEqualTo(company);
    assertThat(read.get("lifecycleStage").asString()).isEqualTo("LEAD");
    assertThat(read.get("tags").get(0).asString()).isEqualTo("vip");
    assertThat(read.get("customFields").get("shoeSize").asString()).isEqualTo("42");
    JsonNode page = t.viewer().get("/api/v1/contacts?companyId=" + company).json();
    assertThat(page.get("items")).hasSize(1);
    assertThat(page.get("items").get(0).get("id").asString()).isEqualTo(id);
  }

  @Test
  void patchWithCurrentVersionIsReadBackWithNewEtag() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitContact(t.editor(), id, 0);

    Response patched =
        t.editor()
            .header("If-Match", "\"0\"")
            .patch("/api/v1/contacts/" + id, Map.of("firstName", "Jon", "leadScore", 40));

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("version").asLong()).isEqualTo(1);
    Response read = awaitContact(t.viewer(), id, 1);
    assertThat(read.header("ETag")).isEqualTo("\"1\"");
    assertThat(read.json().get("firstName").asString()).isEqualTo("Jon");
    assertThat(read.json().get("lastName").asString()).isEqualTo("Smith");
    assertThat(read.json().get("leadScore").asInt()).isEqualTo(40);
  }

  @Test
  void staleIfMatchIsRefusedAndChangesNothing() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "Jane"));

    Response stale =
        t.editor()
            .header("If-Match", "\"0\"")
            .patch("/api/v1/contacts/" + id, Map.of("firstName", "Old"));

    assertThat(stale.status()).isIn(409, 412);
    assertThat(stale.contentType()).startsWith("application/problem+json");
    assertThat(awaitContact(t.viewer(), id, 1).json().get("firstName").asString())
        .isEqualTo("Jane");
  }

  @Test
  void badEmailIsRefusedNamingTheField() {
    Tenant t = newTenant();

    Response bad = t.editor().post("/api/v1/contacts", contact("not-an-email"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(fields(bad)).containsExactly("email");
    assertThat(bad.body()).doesNotContain("Exception").doesNotContain("at dev.crm");
  }

  @Test
  void everyBadFieldIsNamedAtOnce() {
    Tenant t = newTenant();
    Map<String, Object> body = contact("bad");
    body.put("leadScore", -1);
    body.put("firstName", "x".repeat(201));

    Response bad = t.editor().post("/api/v1/contacts", body);

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactlyInAnyOrder("email", "leadScore", "firstName");
  }

  @Test
  void unknownFieldOrEnumValueIsNamed() {
    Tenant t = newTenant();
    Map<String, Object> body = contact(uniqueEmail());
    body.put("lifecycleStage", "royalty");

    Response badStage = t.editor().post("/api/v1/contacts", body);
    Response unknown =
        t.editor().patch("/api/v1/contacts/" + UUID.randomUUID(), Map.of("stage", "lead"));

    assertThat(badStage.status()).isEqualTo(400);
    assertThat(fields(badStage)).containsExactly("lifecycleStage");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(fields(unknown)).containsExactly("stage");
  }

  @Test
  void duplicatePrimaryEmailIsRefusedInTheSameTenantOnly() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String email = uniqueEmail();
    create(a.editor(), "/api/v1/contacts", contact(email));

    Response duplicate = a.editor().post("/api/v1/contacts", contact(email.toUpperCase()));
    Response otherTenant = b.editor().post("/api/v1/contacts", contact(email));

    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(fields(duplicate)).containsExactly("email");
    assertThat(otherTenant.status()).isEqualTo(201);
  }

  @Test
  void changingThePrimaryEmailFreesTheOldOne() {
    Tenant t = newTenant();
    String old = uniqueEmail();
    String id = create(t.editor(), "/api/v1/contacts", contact(old));

    assertThat(t.editor().patch("/api/v1/contacts/" + id, Map.of("email", uniqueEmail())).status())
        .isEqualTo(200);

    assertThat(t.editor().post("/api/v1/contacts", contact(old)).status()).isEqualTo(201);
  }

  @Test
  void anotherTenantsIdsAreNotFound() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String id = create(a.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitContact(a.viewer(), id, 0);

    assertThat(b.viewer().get("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(b.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "X")).status())
        .isEqualTo(404);
    assertThat(b.editor().delete("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(b.viewer().get("/api/v1/contacts").json().get("items")).isEmpty();
    assertThat(a.viewer().get("/api/v1/contacts/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(a.viewer().get("/api/v1/contacts/not-a-uuid").status()).isEqualTo(404);
  }

  @Test
  void contactCannotReferenceAnotherTenantsCompany() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String company = create(a.editor(), "/api/v1/companies", Map.of("name", "A's company"));
    Map<String, Object> body = contact(uniqueEmail());
    body.put("companyId", company);

    Response refused = b.editor().post("/api/v1/contacts", body);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(fields(refused)).containsExactly("companyId");
  }

  @Test
  void viewerCannotWrite() {
    Tenant t = newTenant();

    Response refused = t.viewer().post("/api/v1/contacts", contact(uniqueEmail()));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.contentType()).startsWith("application/problem+json");
  }

  @Test
  void requestsWithoutAValidKeyAreUnauthorized() {
    assertThat(anonymous().get("/api/v1/contacts").status()).isEqualTo(401);
    assertThat(as("crm_0000000000000000_" + "x".repeat(43)).get("/api/v1/contacts").status())
        .isEqualTo(401);
    assertThat(as("nonsense").post("/api/v1/contacts", contact(uniqueEmail())).status())
        .isEqualTo(401);
  }

  @Test
  void archivedContactRefusesChangesUntilRestored() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));

    assertThat(t.editor().delete("/api/v1/contacts/" + id).status()).isEqualTo(200);
    Response refused = t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "X"));
    assertThat(refused.status()).isEqualTo(409);
    awaitContact(t.viewer(), id, 1);
    assertThat(t.viewer().get("/api/v1/contacts").json().get("items")).isEmpty();
    assertThat(t.viewer().get("/api/v1/contacts?includeArchived=true").json().get("items"))
        .hasSize(1);

    assertThat(t.editor().post("/api/v1/contacts/" + id + "/restore", null).status())
        .isEqualTo(200);
    assertThat(t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "X")).status())
        .isEqualTo(200);
  }

  @Test
  void idempotencyKeyReturnsTheFirstResultWithoutADuplicate() {
    Tenant t = newTenant();
    Map<String, Object> body = contact(uniqueEmail());
    String key = UUID.randomUUID().toString();

    Response first = t.editor().header("Idempotency-Key", key).post("/api/v1/contacts", body);
    Response again = t.editor().header("Idempotency-Key", key).post("/api/v1/contacts", body);
    Response otherBody =
        t.editor().header("Idempotency-Key", key).post("/api/v1/contacts", contact(uniqueEmail()));

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(otherBody.status()).isEqualTo(422);
    String id = first.json().get("id").asString();
    awaitContact(t.viewer(), id, 0);
    assertThat(t.viewer().get("/api/v1/contacts").json().get("items")).hasSize(1);
  }

  @Test
  void stageTagsAndCompanyLinkAreChangedByTheirOwnEndpoints() {
    Tenant t = newTenant();
    String company = create(t.editor(), "/api/v1/companies", Map.of("name", "Initech"));
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));

    t.editor().post("/api/v1/contacts/" + id + "/stage", Map.of("lifecycleStage", "customer"));
    t.editor().post("/api/v1/contacts/" + id + "/tags", Map.of("tags", List.of("b", "a", "c")));
    t.editor().post("/api/v1/contacts/" + id + "/tags/remove", Map.of("tags", List.of("c")));
    Response linked =
        t.editor().put("/api/v1/contacts/" + id + "/company", Map.of("companyId", company));

    assertThat(linked.json().get("version").asLong()).isEqualTo(4);
    JsonNode read = awaitContact(t.viewer(), id, 4).json();
    assertThat(read.get("lifecycleStage").asString()).isEqualTo("CUSTOMER");
    assertThat(read.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(read.get("companyId").asString()).isEqualTo(company);
    assertThat(t.viewer().get("/api/v1/contacts?stage=customer&tag=a").json().get("items"))
        .hasSize(1);
    assertThat(t.viewer().get("/api/v1/contacts?tag=c").json().get("items")).isEmpty();
  }

  @Test
  void listPagesWithACursorInEverySortOrder() {
    Tenant t = newTenant();
    List<String> ids = new ArrayList<>();
    for (String last : List.of("Delta", "alpha", "Charlie", "bravo", "Echo")) {
      Map<String, Object> body = contact(uniqueEmail());
      body.put("lastName", last);
      ids.add(create(t.editor(), "/api/v1/contacts", body));
    }
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () ->
                assertThat(t.viewer().get("/api/v1/contacts?limit=200").json().get("items"))
                    .hasSize(5));

    assertThat(lastNames(t, "sort=name"))
        .containsExactly("alpha", "bravo", "Charlie", "Delta", "Echo");
    assertThat(lastNames(t, "sort=name&order=desc"))
        .containsExactly("Echo", "Delta", "Charlie", "bravo", "alpha");
    assertThat(idsInOrder(t, "sort=created")).containsExactlyElementsOf(ids);

    Response badLimit = t.viewer().get("/api/v1/contacts?limit=1000");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(fields(badLimit)).containsExactly("limit");
    Response badCursor = t.viewer().get("/api/v1/contacts?cursor=garbage");
    assertThat(badCursor.status()).isEqualTo(400);
    assertThat(fields(badCursor)).containsExactly("cursor");
  }

  /** Walks all pages two rows at a time, so every answer but the last carries a cursor. */
  private List<JsonNode> walk(Tenant t, String query) {
    List<JsonNode> rows = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          t.viewer()
              .get(
                  "/api/v1/contacts?limit=2&" + query + (cursor == null ? "" : "&cursor=" + cursor))
              .json();
      page.get("items").forEach(rows::add);
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
    } while (cursor != null);
    return rows;
  }

  private List<String> lastNames(Tenant t, String query) {
    return walk(t, query).stream().map(r -> r.get("lastName").asString()).toList();
  }

  private List<String> idsInOrder(Tenant t, String query) {
    return walk(t, query).stream().map(r -> r.get("id").asString()).toList();
  }

  static List<String> fields(Response problem) {
    List<String> fields = new ArrayList<>();
    problem.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }
}
