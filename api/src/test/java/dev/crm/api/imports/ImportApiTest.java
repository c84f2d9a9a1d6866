package dev.crm.api.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.customfield.CustomFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Bulk imports over HTTP: good rows land, bad rows are reported with their line and reason. */
class ImportApiTest extends ApiTestSupport {
  private static final String CSV_OPTIONS =
      "{\"format\":\"csv\",\"dedupe\":\"skip\",\"customFields\":[\"plan\"]}";

  static JsonNode awaitFinished(Client client, String jobId) {
    return awaitFinished(client, jobId, Duration.ofSeconds(60));
  }

  static JsonNode awaitFinished(Client client, String jobId, Duration atMost) {
    JsonNode[] job = new JsonNode[1];
    await()
        .atMost(atMost)
        .untilAsserted(
            () -> {
              job[0] = client.get("/api/v1/imports/" + jobId).json();
              assertThat(job[0].get("state").asString()).isIn("completed", "failed", "cancelled");
            });
    return job[0];
  }

  private static List<String> errorLines(Client client, String jobId) {
    String csv = client.get("/api/v1/imports/" + jobId + "/errors").body();
    return csv.lines().skip(1).toList();
  }

  @Test
  void goodRowsLoadAndEveryBadRowIsReportedWithItsLineAndReason() {
    Tenant t = newTenant();
    CustomFields.define(t.admin(), "plan", "text");
    String existing = uniqueEmail();
    create(t.editor(), "/api/v1/contacts", contact(existing));
    String csv =
        String.join(
                "\n",
                "firstName,lastName,email,tags,customFields.plan,customFields.secret",
                "Ann,Lee,ann@example.com,vip;gold,pro,",
                "Bob,Ray,not-an-email,,,",
                "Cy,Oz,cy@example.com,,,classified",
                "Dee,Short,dee@example.com",
                "Eve,Dup," + existing + ",,,",
                "Fay,Gee,fay@example.com,,basic,",
                "X".repeat(300) + ",Long,long@example.com,,,")
            + "\n";

    Response upload =
        t.editor().upload("/api/v1/imports", CSV_OPTIONS, csv.getBytes(StandardCharsets.UTF_8));

    assertThat(upload.status()).as(upload.body()).isEqualTo(202);
    String jobId = upload.json().get("id").asString();
    assertThat(upload.header("Location")).isEqualTo("/api/v1/imports/" + jobId);
    JsonNode job = awaitFinished(t.viewer(), jobId);
    assertThat(job.get("state").asString()).isEqualTo("completed");
    assertThat(job.get("rowsRead").asLong()).isEqualTo(7);
    assertThat(job.get("rowsSucceeded").asLong()).isEqualTo(2);
    assertThat(job.get("rowsFailed").asLong()).isEqualTo(5);
    assertThat(job.get("percentDone").asDouble()).isEqualTo(100.0);
    assertThat(errorLines(t.viewer(), jobId))
        .satisfiesExactly(
            l -> assertThat(l).startsWith("3,email,").contains("not a valid email"),
            l ->
                assertThat(l).startsWith("4,customFields.secret,").contains("unknown custom field"),
            l -> assertThat(l).startsWith("5,,").contains("3 columns"),
            l -> assertThat(l).startsWith("6,email,").contains("skipped"),
            l -> assertThat(l).startsWith("8,firstName,").contains("at most 200"));
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () ->
                assertThat(t.viewer().get("/api/v1/contacts?limit=200").json().get("items"))
                    .extracting(c -> c.get("email").asString())
                    .containsExactlyInAnyOrder(existing, "ann@example.com", "fay@example.com"));
    JsonNode ann = t.viewer().get("/api/v1/contacts?tag=gold").json().get("items").get(0);
    assertThat(ann.get("customFields").get("plan").asString()).isEqualTo("pro");
  }

  @Test
  void typedCustomValuesAreCheckedPerRowAndStoredInCanonicalForm() {
    Tenant t = newTenant();
    CustomFields.define(t.admin(), "seats", "number");
    CustomFields.define(t.admin(), "renewal", "date");
    Map<String, Object> region = CustomFields.choice("region", "dropdown", List.of("NA", "EMEA"));
    region.put("required", true);
    CustomFields.define(t.admin(), region);
    String csv =
        String.join(
                "\n",
                "email,customFields.seats,customFields.renewal,customFields.region,customFields.shoe",
                "a@example.com,0042,2026-03-01,EMEA,",
                "b@example.com,many,2026-03-01,NA,",
                "c@example.com,3,1.3.2026,NA,",
                "d@example.com,3,2026-03-01,,",
                "e@example.com,3,2026-03-01,NA,44")
            + "\n";

    Response upload =
        t.editor()
            .upload(
                "/api/v1/imports", "{\"format\":\"csv\"}", csv.getBytes(StandardCharsets.UTF_8));

    JsonNode job = awaitFinished(t.viewer(), upload.json().get("id").asString());
    assertThat(job.get("rowsSucceeded").asLong()).isEqualTo(1);
    assertThat(job.get("rowsFailed").asLong()).isEqualTo(4);
    assertThat(errorLines(t.viewer(), upload.json().get("id").asString()))
        .satisfiesExactly(
            l -> assertThat(l).startsWith("3,customFields.seats,").contains("whole number"),
            l -> assertThat(l).startsWith("4,customFields.renewal,").contains("yyyy-MM-dd"),
            l -> assertThat(l).startsWith("5,customFields.region,").contains("required"),
            l -> assertThat(l).startsWith("6,customFields.shoe,").contains("unknown custom field"));
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              JsonNode items = t.viewer().get("/api/v1/contacts").json().get("items");
              assertThat(items).hasSize(1);
              assertThat(items.get(0).get("customFields"))
                  .isEqualTo(
                      JSON.valueToTree(
                          Map.of("seats", "42", "renewal", "2026-03-01", "region", "EMEA")));
            });
  }

  @Test
  void sameIdempotencyKeyDoesNotImportTwice() {
    Tenant t = newTenant();
    byte[] file = "email,firstName\nonce@example.com,Once\n".getBytes(StandardCharsets.UTF_8);

    Response first =
        t.editor()
            .header("Idempotency-Key", "import-1")
            .upload("/api/v1/imports", CSV_OPTIONS, file);
    awaitFinished(t.viewer(), first.json().get("id").asString());
    Response again =
        t.editor()
            .header("Idempotency-Key", "import-1")
            .upload("/api/v1/imports", CSV_OPTIONS, file);
    Response otherFile =
        t.editor()
            .header("Idempotency-Key", "import-1")
            .upload(
                "/api/v1/imports",
                CSV_OPTIONS,
                "email\nother@example.com\n".getBytes(StandardCharsets.UTF_8));

    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(otherFile.status()).isEqualTo(422);
    assertThat(t.viewer().get("/api/v1/imports").json()).hasSize(1);
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> assertThat(t.viewer().get("/api/v1/contacts").json().get("items")).hasSize(1));
  }

  @Test
  void jsonlRowsWithUpdatePolicyChangeTheExistingContact() {
    Tenant t = newTenant();
    CustomFields.define(t.admin(), "plan", "text");
    String email = uniqueEmail();
    String id = create(t.editor(), "/api/v1/contacts", contact(email));
    String jsonl =
        "{\"email\":\""
            + email
            + "\",\"firstName\":\"Updated\",\"leadScore\":77}\n"
            + "{\"email\":\"new@example.com\",\"tags\":[\"a\",\"b\"],\"customFields\":{\"plan\":\"pro\"}}\n"
            + "{not json}\n";

    Response upload =
        t.editor()
            .upload(
                "/api/v1/imports",
                "{\"format\":\"jsonl\",\"dedupe\":\"update\",\"customFields\":[\"plan\"]}",
                jsonl.getBytes(StandardCharsets.UTF_8));

    JsonNode job = awaitFinished(t.viewer(), upload.json().get("id").asString());
    assertThat(job.get("rowsSucceeded").asLong()).isEqualTo(2);
    assertThat(job.get("rowsFailed").asLong()).isEqualTo(1);
    JsonNode updated = awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 1).json();
    assertThat(updated.get("firstName").asString()).isEqualTo("Updated");
    assertThat(updated.get("leadScore").asInt()).isEqualTo(77);
  }

  @Test
  void badOptionsAreRefusedNamingTheField() {
    Tenant t = newTenant();

    Response bad =
        t.editor()
            .upload(
                "/api/v1/imports",
                "{\"format\":\"csv\",\"mapping\":{\"E-mail\":\"mail\"}}",
                "E-mail\na@b.co\n".getBytes(StandardCharsets.UTF_8));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("mapping.E-mail");
  }

  @Test
  void importsBelongToTheirTenant() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    Response upload =
        a.editor()
            .upload(
                "/api/v1/imports",
                CSV_OPTIONS,
                "email\nmine@example.com\n".getBytes(StandardCharsets.UTF_8));
    String jobId = upload.json().get("id").asString();

    assertThat(b.viewer().get("/api/v1/imports/" + jobId).status()).isEqualTo(404);
    assertThat(b.viewer().get("/api/v1/imports/" + jobId + "/errors").status()).isEqualTo(404);
    assertThat(b.editor().post("/api/v1/imports/" + jobId + "/cancel", null).status())
        .isEqualTo(404);
    assertThat(b.viewer().get("/api/v1/imports").json()).isEmpty();
    assertThat(
            a.viewer()
                .upload(
                    "/api/v1/imports",
                    CSV_OPTIONS,
                    "email\nx@y.io\n".getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(403);
    awaitFinished(a.viewer(), jobId);
  }

  @Test
  void mappingRenamesSourceColumns() {
    Tenant t = newTenant();
    CustomFields.define(t.admin(), "plan", "text");
    Response upload =
        t.editor()
            .upload(
                "/api/v1/imports",
                "{\"format\":\"csv\",\"mapping\":{\"E-mail\":\"email\",\"Given name\":\"firstName\",\"Plan\":\"customFields.plan\"},\"customFields\":[\"plan\"]}",
                "Given name,E-mail,Plan,Ignored\nZed,zed@example.com,gold,whatever\n"
                    .getBytes(StandardCharsets.UTF_8));

    JsonNode job = awaitFinished(t.viewer(), upload.json().get("id").asString());

    assertThat(job.get("rowsSucceeded").asLong()).isEqualTo(1);
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              JsonNode items = t.viewer().get("/api/v1/contacts").json().get("items");
              assertThat(items).hasSize(1);
              assertThat(items.get(0).get("firstName").asString()).isEqualTo("Zed");
              assertThat(items.get(0).get("customFields"))
                  .isEqualTo(JSON.valueToTree(Map.of("plan", "gold")));
            });
  }
}
