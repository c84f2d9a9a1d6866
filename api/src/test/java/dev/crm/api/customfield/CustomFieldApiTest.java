package dev.crm.api.customfield;

import static dev.crm.api.customfield.CustomFields.PATH;
import static dev.crm.api.customfield.CustomFields.choice;
import static dev.crm.api.customfield.CustomFields.define;
import static dev.crm.api.customfield.CustomFields.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Contact custom field definitions over HTTP, and the rules they put on contacts' values. */
class CustomFieldApiTest extends ApiTestSupport {

  @Test
  void definedFieldsAreListedByKeyChangedAndRemoved() {
    Tenant t = newTenant();

    Response plan =
        t.admin().post(PATH, choice("plan", "DROPDOWN", List.of("free", "pro", "enterprise")));
    Map<String, Object> budget = field("budget", "currency");
    budget.put("currency", "EUR");
    budget.put("required", true);
    Response budgetDefined = t.admin().post(PATH, budget);

    assertThat(plan.status()).as(plan.body()).isEqualTo(201);
    assertThat(plan.header("Location")).isEqualTo(PATH + "/plan");
    assertThat(plan.json().get("id").asString()).isEqualTo("plan");
    assertThat(plan.json().get("version").asLong()).isZero();
    assertThat(budgetDefined.status()).isEqualTo(201);
    assertThat(budgetDefined.json().get("version").asLong()).isEqualTo(1);
    JsonNode items = awaitList(t.viewer(), 2);
    assertThat(keys(items)).containsExactly("budget", "plan");
    assertThat(items.get(0).get("type").asString()).isEqualTo("currency");
    assertThat(items.get(0).get("currency").asString()).isEqualTo("EUR");
    assertThat(items.get(0).get("required").asBoolean()).isTrue();
    assertThat(items.get(1).get("type").asString()).isEqualTo("dropdown");
    assertThat(items.get(1).get("options").toString())
        .isEqualTo("[\"free\",\"pro\",\"enterprise\"]");

    Response changed =
        t.admin()
            .patch(
                PATH + "/plan",
                Map.of("label", "Price plan", "required", true, "options", List.of("free", "pro")));
    Response removed = t.admin().delete(PATH + "/budget");

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().get("version").asLong()).isEqualTo(2);
    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(removed.json().get("version").asLong()).isEqualTo(3);
    JsonNode read = awaitVersion(t.viewer(), PATH + "/plan", 2).json();
    assertThat(read.get("label").asString()).isEqualTo("Price plan");
    assertThat(read.get("required").asBoolean()).isTrue();
    assertThat(read.get("type").asString()).isEqualTo("dropdown");
    assertThat(read.get("options").toString()).isEqualTo("[\"free\",\"pro\"]");
    assertThat(keys(awaitList(t.viewer(), 1))).containsExactly("plan");
    assertThat(t.viewer().get(PATH + "/budget").status()).isEqualTo(404);
  }

  @Test
  void badDefinitionsAreRefusedNamingTheField() {
    Tenant t = newTenant();
    define(t.admin(), "plan", "text");

    Response duplicate = t.admin().post(PATH, field("plan", "number"));
    Response badKey = t.admin().post(PATH, field("1st", "text"));
    Response unknownType = t.admin().post(PATH, field("colour", "colour"));
    Response noOptions = t.admin().post(PATH, field("tier", "multi_select"));
    Response optionsOnText = t.admin().post(PATH, choice("note", "text", List.of("a")));
    Response noCurrency = t.admin().post(PATH, field("budget", "currency"));
    Response typeChange = t.admin().patch(PATH + "/plan", Map.of("type", "number"));
    Response unknownField = t.admin().patch(PATH + "/nope", Map.of("label", "Nope"));

    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(fields(duplicate)).containsExactly("key");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(fields(badKey)).containsExactly("key");
    assertThat(unknownType.status()).isEqualTo(400);
    assertThat(fields(unknownType)).containsExactly("type");
    assertThat(noOptions.status()).isEqualTo(400);
    assertThat(fields(noOptions)).containsExactly("options");
    assertThat(optionsOnText.status()).isEqualTo(400);
    assertThat(fields(optionsOnText)).containsExactly("options");
    assertThat(noCurrency.status()).isEqualTo(400);
    assertThat(fields(noCurrency)).containsExactly("currency");
    assertThat(typeChange.status()).isEqualTo(400);
    assertThat(fields(typeChange)).containsExactly("type");
    assertThat(unknownField.status()).isEqualTo(404);
  }

  @Test
  void aRemovedFieldTakesNoNewValuesAndComesBackOnlyWithItsType() {
    Tenant t = newTenant();
    define(t.admin(), "seats", "number");
    String id = create(t.editor(), "/api/v1/contacts", withCustom(Map.of("seats", "3")));
    assertThat(t.admin().delete(PATH + "/seats").status()).isEqualTo(200);

    Response usedAfterRemoval =
        t.editor().post("/api/v1/contacts", withCustom(Map.of("seats", "4")));
    Response otherType = t.admin().post(PATH, field("seats", "text"));
    Response sameType = t.admin().post(PATH, field("seats", "number"));

    assertThat(otherType.status()).isEqualTo(400);
    assertThat(fields(otherType)).containsExactly("type");
    assertThat(usedAfterRemoval.status()).isEqualTo(400);
    assertThat(fields(usedAfterRemoval)).containsExactly("customFields.seats");
    assertThat(awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 0).json().get("customFields"))
        .isEqualTo(JSON.valueToTree(Map.of("seats", "3")));
    assertThat(sameType.status()).isEqualTo(201);
    assertThat(awaitVersion(t.viewer(), PATH + "/seats", 2).json().get("type").asString())
        .isEqualTo("number");
  }

  @Test
  void contactValuesAreStoredInCanonicalForm() {
    Tenant t = newTenant();
    define(t.admin(), "seats", "number");
    define(t.admin(), "score", "decimal");
    define(t.admin(), "renewal", "date");
    define(t.admin(), "lastSeen", "datetime");
    define(t.admin(), "active", "boolean");
    define(t.admin(), choice("products", "multi_select", List.of("crm", "mail", "ads")));
    Map<String, Object> budget = field("budget", "currency");
    budget.put("currency", "USD");
    define(t.admin(), budget);
    Map<String, Object> body = contact(uniqueEmail());
    Map<String, String> values = new HashMap<>();
    values.put("seats", " +0042 ");
    values.put("score", "4.50");
    values.put("renewal", "2026-03-01");
    values.put("lastSeen", "2026-01-02T03:04:05.678+02:00");
    values.put("active", "TRUE");
    values.put("products", "ads; crm;ads");
    values.put("budget", "1E+3");
    body.put("customFields", values);

    String id = create(t.editor(), "/api/v1/contacts", body);

    JsonNode stored = awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 0).json();
    assertThat(stored.get("customFields"))
        .isEqualTo(
            JSON.valueToTree(
                Map.of(
                    "seats", "42",
                    "score", "4.5",
                    "renewal", "2026-03-01",
                    "lastSeen", "2026-01-02T01:04:05Z",
                    "active", "true",
                    "products", "crm;ads",
                    "budget", "1000")));
  }

  @Test
  void contactWithAValueItsFieldRefusesIsRejectedNamingTheField() {
    Tenant t = newTenant();
    define(t.admin(), "seats", "number");
    Map<String, Object> required = field("region", "dropdown");
    required.put("options", List.of("NA", "EMEA"));
    required.put("required", true);
    define(t.admin(), required);

    Response badNumber =
        t.editor().post("/api/v1/contacts", withCustom(Map.of("region", "NA", "seats", "many")));
    Response unknown =
        t.editor().post("/api/v1/contacts", withCustom(Map.of("region", "NA", "shoeSize", "42")));
    Response missingRequired =
        t.editor().post("/api/v1/contacts", withCustom(Map.of("seats", "3")));
    Response notAnOption =
        t.editor().post("/api/v1/contacts", withCustom(Map.of("region", "APAC")));

    for (Response r : List.of(badNumber, unknown, missingRequired, notAnOption)) {
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(fields(badNumber)).containsExactly("customFields.seats");
    assertThat(fields(unknown)).containsExactly("customFields.shoeSize");
    assertThat(fields(missingRequired)).containsExactly("customFields.region");
    assertThat(fields(notAnOption)).containsExactly("customFields.region");
    assertThat(t.viewer().get("/api/v1/contacts").json().get("items")).isEmpty();
  }

  @Test
  void contactUpdatesFollowTheSameRules() {
    Tenant t = newTenant();
    define(t.admin(), "seats", "number");
    String id = create(t.editor(), "/api/v1/contacts", withCustom(Map.of("seats", "3")));
    Map<String, Object> required = field("region", "text");
    required.put("required", true);
    define(t.admin(), required);

    Response badValue =
        t.editor()
            .patch(
                "/api/v1/contacts/" + id,
                Map.of("customFields", Map.of("region", "EMEA", "seats", "3.5")));
    Response withoutRequired =
        t.editor().patch("/api/v1/contacts/" + id, Map.of("customFields", Map.of("seats", "4")));
    Response leavesCustomFieldsAlone =
        t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "Jane"));
    Response replaces =
        t.editor()
            .patch(
                "/api/v1/contacts/" + id,
                Map.of("customFields", Map.of("region", " EMEA ", "seats", "05")));

    assertThat(badValue.status()).isEqualTo(400);
    assertThat(fields(badValue)).containsExactly("customFields.seats");
    assertThat(withoutRequired.status()).isEqualTo(400);
    assertThat(fields(withoutRequired)).containsExactly("customFields.region");
    assertThat(leavesCustomFieldsAlone.status()).isEqualTo(200);
    assertThat(replaces.status()).as(replaces.body()).isEqualTo(200);
    JsonNode read = awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 2).json();
    assertThat(read.get("customFields"))
        .isEqualTo(JSON.valueToTree(Map.of("region", "EMEA", "seats", "5")));
  }

  @Test
  void anotherTenantNeitherSeesNorUsesTheDefinitions() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    define(a.admin(), "plan", "text");
    awaitList(a.viewer(), 1);

    assertThat(b.viewer().get(PATH).json().get("items")).isEmpty();
    assertThat(b.viewer().get(PATH + "/plan").status()).isEqualTo(404);
    Response used = b.editor().post("/api/v1/contacts", withCustom(Map.of("plan", "pro")));
    assertThat(used.status()).isEqualTo(400);
    assertThat(fields(used)).containsExactly("customFields.plan");
    assertThat(b.admin().patch(PATH + "/plan", Map.of("label", "Mine")).status()).isEqualTo(404);
    assertThat(b.admin().delete(PATH + "/plan").status()).isEqualTo(404);

    assertThat(b.admin().post(PATH, field("plan", "number")).status()).isEqualTo(201);
    assertThat(awaitVersion(a.viewer(), PATH + "/plan", 0).json().get("type").asString())
        .isEqualTo("text");
    assertThat(awaitVersion(b.viewer(), PATH + "/plan", 0).json().get("type").asString())
        .isEqualTo("number");
  }

  @Test
  void onlyAdminsDefineFieldsAndViewersRead() {
    Tenant t = newTenant();
    define(t.admin(), "plan", "text");

    Response byViewer = t.viewer().post(PATH, field("seats", "number"));
    Response byEditor = t.editor().post(PATH, field("seats", "number"));
    Response changeByEditor = t.editor().patch(PATH + "/plan", Map.of("label", "Plan"));
    Response removeByEditor = t.editor().delete(PATH + "/plan");

    for (Response r : List.of(byViewer, byEditor, changeByEditor, removeByEditor)) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(keys(awaitList(t.viewer(), 1))).containsExactly("plan");
    assertThat(anonymous().get(PATH).status()).isEqualTo(401);
  }

  private static Map<String, Object> withCustom(Map<String, String> values) {
    Map<String, Object> body = contact(uniqueEmail());
    body.put("customFields", values);
    return body;
  }

  /** Reads the list until it holds {@code size} fields. */
  private static JsonNode awaitList(Client client, int size) {
    JsonNode[] items = new JsonNode[1];
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response r = client.get(PATH);
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              items[0] = r.json().get("items");
              assertThat(items[0]).hasSize(size);
            });
    return items[0];
  }

  private static List<String> keys(JsonNode items) {
    List<String> keys = new ArrayList<>();
    items.forEach(i -> keys.add(i.get("key").asString()));
    return keys;
  }

  private static List<String> fields(Response problem) {
    List<String> fields = new ArrayList<>();
    problem.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }
}
