package dev.crm.api.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Audit exports of real events from the PostgreSQL event store: what every record carries, the
 * filters, tenant isolation, verification of the hash chain through the API, and background jobs
 * (with small chunks, so a job spans many) that survive the death of the node running them.
 */
@TestPropertySource(properties = {"crm.audit.chunk-bytes=4000", "crm.audit.lease=PT2S"})
class AuditExportTest extends ApiTestSupport {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @Autowired JdbcTemplate jdbc;

  private HttpResponse<byte[]> get(Client client, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + client.key())
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private byte[] export(Client client, String query) throws Exception {
    HttpResponse<byte[]> r = get(client, "/api/v1/audit/export" + query);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/gzip");
    return r.body();
  }

  private static List<String> lines(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return new ArrayList<>(
          Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
    }
  }

  /** The record lines of a JSONL export, parsed. */
  private static List<JsonNode> records(byte[] gzip) throws IOException {
    List<String> lines = lines(gzip);
    assertThat(lines.getFirst()).startsWith("{\"export\":");
    assertThat(lines.getLast()).startsWith("{\"manifest\":");
    return lines.subList(1, lines.size() - 1).stream().map(JSON::readTree).toList();
  }

  private JsonNode verifyBytes(Client client, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/audit/verify"))
            .header("Authorization", "Bearer " + client.key())
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static byte[] plain(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** A tenant with a company, two contacts and an update: five events. */
  private static List<String> history(Tenant t) {
    String company = create(t.editor(), "/api/v1/companies", Map.of("name", "Initech"));
    String a = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String b = create(t.admin(), "/api/v1/contacts", contact(uniqueEmail()));
    assertThat(t.editor().patch("/api/v1/contacts/" + a, Map.of("firstName", "Changed")).status())
        .isEqualTo(200);
    assertThat(t.editor().patch("/api/v1/contacts/" + a, Map.of("lastName", "Twice")).status())
        .isEqualTo(200);
    return List.of(company, a, b);
  }

  @Test
  void anExportHoldsEveryEventWithWhoCausedItAndVerifies() throws Exception {
    Tenant t = newTenant();
    List<String> ids = history(t);
    byte[] gzip = export(t.admin(), "");
    List<JsonNode> records = records(gzip);

    assertThat(records).hasSize(5);
    long previous = -1;
    for (JsonNode r : records) {
      assertThat(r.get("tenantId").asString()).isEqualTo(t.id());
      for (String field : List.of("actorId", "requestId", "correlationId", "causationId", "time")) {
        assertThat(r.get(field).asString()).as(field).isNotBlank();
      }
      assertThat(r.get("position").asLong()).isGreaterThan(previous);
      previous = r.get("position").asLong();
      assertThat(r.get("payload").isObject()).isTrue();
    }
    assertThat(records.get(0).get("aggregateType").asString()).isEqualTo("Company");
    assertThat(records.get(1).get("aggregateId").asString()).isEqualTo(ids.get(1));
    assertThat(records.get(1).get("eventType").asString()).endsWith("ContactCreated");
    assertThat(records.get(3).get("payload").toString()).contains("Changed");
    // The admin's contact was made by another key than the editor's.
    assertThat(records.get(2).get("actorId").asString())
        .isNotEqualTo(records.get(1).get("actorId").asString());

    JsonNode ok = verifyBytes(t.admin(), gzip);
    assertThat(ok.get("valid").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("records").asLong()).isEqualTo(5);
    assertThat(ok.get("lastPosition").asLong()).isEqualTo(previous);
    JsonNode manifest = JSON.readTree(lines(gzip).getLast()).get("manifest");
    assertThat(manifest.get("count").asLong()).isEqualTo(5);
    assertThat(manifest.get("chainHead").asString()).isEqualTo(ok.get("chainHead").asString());
  }

  @Test
  void verifyNamesTheAlteredDroppedOrSwappedRecord() throws Exception {
    Tenant t = newTenant();
    history(t);
    List<String> lines = lines(export(t.admin(), ""));
    long third = JSON.readTree(lines.get(3)).get("position").asLong();
    long fourth = JSON.readTree(lines.get(4)).get("position").asLong();

    List<String> altered = new ArrayList<>(lines);
    altered.set(3, altered.get(3).replace("\"sequence\":0", "\"sequence\":1"));
    JsonNode a = verifyBytes(t.admin(), plain(altered));
    assertThat(a.get("valid").asBoolean()).isFalse();
    assertThat(a.get("line").asLong()).isEqualTo(4);
    assertThat(a.get("position").asLong()).isEqualTo(third);
    assertThat(a.get("problem").asString()).contains("altered");

    List<String> dropped = new ArrayList<>(lines);
    dropped.remove(3);
    JsonNode d = verifyBytes(t.admin(), plain(dropped));
    assertThat(d.get("valid").asBoolean()).isFalse();
    assertThat(d.get("position").asLong()).isEqualTo(fourth);
    assertThat(d.get("problem").asString()).contains("missing");

    List<String> swapped = new ArrayList<>(lines);
    swapped.set(3, lines.get(4));
    swapped.set(4, lines.get(3));
    JsonNode s = verifyBytes(t.admin(), plain(swapped));
    assertThat(s.get("valid").asBoolean()).isFalse();
    assertThat(s.get("line").asLong()).isEqualTo(4);
    assertThat(s.get("problem").asString()).contains("reordered");

    JsonNode cut = verifyBytes(t.admin(), plain(lines.subList(0, 4)));
    assertThat(cut.get("valid").asBoolean()).isFalse();
    assertThat(cut.get("problem").asString()).contains("cut short");
  }

  @Test
  void csvExportsCarryTheSameRecordsAndVerify() throws Exception {
    Tenant t = newTenant();
    history(t);
    byte[] gzip = export(t.admin(), "?format=csv");
    List<String> lines = lines(gzip);
    assertThat(lines.getFirst()).startsWith("# {\"export\":");
    assertThat(lines.getLast()).startsWith("# {\"manifest\":");
    List<CSVRecord> rows =
        CSVFormat.DEFAULT
            .builder()
            .setCommentMarker('#')
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new java.io.StringReader(String.join("\n", lines)))
            .getRecords();
    assertThat(rows).hasSize(5);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("tenantId")).isEqualTo(t.id()));
    assertThat(JSON.readTree(rows.get(3).get("payload")).toString()).contains("Changed");
    JsonNode ok = verifyBytes(t.admin(), gzip);
    assertThat(ok.get("valid").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("format").asString()).isEqualTo("csv");
  }

  @Test
  void filtersNarrowTheExportAndAResumedExportContinuesTheChain() throws Exception {
    Tenant t = newTenant();
    List<String> ids = history(t);
    List<JsonNode> all = records(export(t.admin(), ""));

    assertThat(records(export(t.admin(), "?aggregateId=" + ids.get(1))))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.get("aggregateId").asString()).isEqualTo(ids.get(1)));
    assertThat(records(export(t.admin(), "?aggregateType=Company"))).hasSize(1);
    assertThat(records(export(t.admin(), "?eventType=ContactCreated"))).hasSize(2);
    String editor = all.get(1).get("actorId").asString();
    assertThat(records(export(t.admin(), "?actorId=" + editor))).hasSize(4);
    assertThat(records(export(t.admin(), "?to=2020-01-01"))).isEmpty();
    assertThat(records(export(t.admin(), "?from=2020-01-01&to=2999-01-01"))).hasSize(5);

    long second = all.get(1).get("position").asLong();
    List<JsonNode> rest = records(export(t.admin(), "?after=" + second));
    assertThat(rest).hasSize(3);
    assertThat(rest.getFirst().get("position").asLong())
        .isEqualTo(all.get(2).get("position").asLong());

    Response bad = t.admin().get("/api/v1/audit/export?from=2025-02-01&to=2025-01-01");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(bad.body()).contains("\"to\"").doesNotContain("Exception");
    Response format = t.admin().get("/api/v1/audit/export?format=xml");
    assertThat(format.status()).isEqualTo(400);
    assertThat(format.body()).contains("format");
  }

  @Test
  void anExportForOneTenantNeverHoldsAnotherTenantsEvents() throws Exception {
    Tenant a = newTenant();
    Tenant b = newTenant();
    List<String> aIds = history(a);
    history(b);
    String bExport = String.join("\n", lines(export(b.admin(), "")));
    assertThat(bExport).doesNotContain(a.id());
    aIds.forEach(id -> assertThat(bExport).doesNotContain(id));
    // Naming tenant A's aggregate does not reach it either.
    assertThat(records(export(b.admin(), "?aggregateId=" + aIds.get(1)))).isEmpty();
    // Exports are for tenant admins only.
    assertThat(b.editor().get("/api/v1/audit/export").status()).isEqualTo(403);
    assertThat(platformAdmin().get("/api/v1/audit/export").status()).isEqualTo(403);
  }

  private JsonNode awaitJob(Tenant t, String id, String state) {
    JsonNode[] job = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Response r = t.admin().get("/api/v1/audit/exports/" + id);
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              assertThat(r.json().get("state").asString()).isEqualTo(state);
              job[0] = r.json();
            });
    return job[0];
  }

  @Test
  void aBackgroundExportReportsProgressAndDownloadsTheSameVerifiedFile() throws Exception {
    Tenant t = newTenant();
    history(t);
    history(t);
    Response started = t.admin().post("/api/v1/audit/exports", Map.of("format", "jsonl"));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().get("totalEvents").asLong()).isEqualTo(10);
    String id = started.json().get("id").asString();
    assertThat(started.header("Location")).endsWith("/api/v1/audit/exports/" + id);

    JsonNode done = awaitJob(t, id, "completed");
    assertThat(done.get("eventsDone").asLong()).isEqualTo(10);
    assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
    HttpResponse<byte[]> file = get(t.admin(), "/api/v1/audit/exports/" + id + "/download");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(records(file.body())).hasSize(10);
    JsonNode ok = verifyBytes(t.admin(), file.body());
    assertThat(ok.get("valid").asBoolean()).as(ok.toString()).isTrue();
    assertThat(ok.get("chainHead").asString()).isEqualTo(done.get("chainHead").asString());
    Integer chunks =
        jdbc.queryForObject(
            "select count(*) from audit_export_chunk where job_id = ?::uuid", Integer.class, id);
    assertThat(chunks).as("small chunks in this test: the file spans several").isGreaterThan(2);

    // Another tenant's admin cannot see or download it.
    Tenant other = newTenant();
    assertThat(other.admin().get("/api/v1/audit/exports/" + id).status()).isEqualTo(404);
    assertThat(get(other.admin(), "/api/v1/audit/exports/" + id + "/download").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aJobWhoseNodeDiedIsResumedFromItsLastChunkIntoTheSameFile() throws Exception {
    Tenant t = newTenant();
    history(t);
    history(t);
    history(t);
    String id = t.admin().post("/api/v1/audit/exports", Map.of()).json().get("id").asString();
    awaitJob(t, id, "completed");
    byte[] whole = get(t.admin(), "/api/v1/audit/exports/" + id + "/download").body();

    // Rewind the job to what a node that died after its second chunk left behind: two committed
    // chunks, their checkpoint, and a lease that runs out in a moment.
    List<String> kept = new ArrayList<>();
    for (int seq = 0; seq < 2; seq++) {
      byte[] chunk =
          jdbc.queryForObject(
              "select data from audit_export_chunk where job_id = ?::uuid and seq = ?",
              byte[].class,
              id,
              seq);
      kept.addAll(lines(chunk));
    }
    List<JsonNode> done = kept.subList(1, kept.size()).stream().map(JSON::readTree).toList();
    JsonNode last = done.getLast();
    jdbc.update("delete from audit_export_chunk where job_id = ?::uuid and seq >= 2", id);
    jdbc.update(
        "update audit_export_job set state = 'running', chunks = 2, events_done = ?,"
            + " first_position = ?, last_position = ?, chain_head = ?, finished_at = null,"
            + " lease_owner = 'a node that died', lease_until = now() + interval '3 seconds',"
            + " bytes = (select sum(length(data)) from audit_export_chunk where job_id = ?::uuid)"
            + " where id = ?::uuid",
        done.size(),
        done.getFirst().get("position").asLong(),
        last.get("position").asLong(),
        last.get("chain").asString(),
        id,
        id);
    JsonNode partial = t.admin().get("/api/v1/audit/exports/" + id).json();
    assertThat(partial.get("eventsDone").asLong()).isEqualTo(done.size());

    awaitJob(t, id, "completed");
    byte[] resumed = get(t.admin(), "/api/v1/audit/exports/" + id + "/download").body();
    assertThat(lines(resumed)).isEqualTo(lines(whole));
    assertThat(verifyBytes(t.admin(), resumed).get("valid").asBoolean()).isTrue();
  }
}
