package dev.crm.api.search;

import static dev.crm.api.search.SearchApiTest.created;
import static dev.crm.api.search.SearchApiTest.id;
import static dev.crm.api.search.SearchApiTest.ids;
import static dev.crm.api.search.SearchApiTest.person;
import static dev.crm.api.search.SearchApiTest.search;
import static dev.crm.db.jooq.Tables.CONTACT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.crm.api.ApiTestSupport;
import dev.crm.api.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Elasticsearch goes away while writes go on, then comes back. The service reaches the real
 * Elasticsearch through {@link TcpProxy}, which the test closes (connections refused, as from a
 * stopped server) and reopens.
 */
class SearchOutageTest extends ApiTestSupport {
  static final TcpProxy ELASTICSEARCH =
      TcpProxy.start(Integer.parseInt(System.getenv().getOrDefault("CRM_ES_PORT", "9200")));

  @DynamicPropertySource
  static void throughTheProxy(DynamicPropertyRegistry registry) {
    registry.add("crm.search.url", ELASTICSEARCH::url);
    registry.add("crm.projections.lag-interval", () -> "PT0.2S");
  }

  @AfterAll
  static void closeProxy() {
    ELASTICSEARCH.close();
  }

  @Autowired DSLContext db;
  @Autowired ElasticsearchClient es;
  @Autowired EventProcessingConfiguration processing;

  @Test
  void writesGoOnWhileSearchIsDownAndTheIndexConvergesWhenItReturns() throws IOException {
    Tenant t = newTenant();
    List<String> contacts = new ArrayList<>();
    Response last = null;
    for (int i = 0; i < 5; i++) {
      last = created(t.editor(), "/api/v1/contacts", person("Before" + i, "Outage"));
      contacts.add(id(last));
    }
    assertThat(ids(search(t.viewer(), "q=outage", consistencyToken(last)))).hasSize(5);

    ELASTICSEARCH.cut();

    Response down = t.viewer().get("/api/v1/search/contacts?q=outage");
    assertThat(down.status()).as(down.body()).isEqualTo(503);
    assertThat(down.contentType()).startsWith("application/problem+json");
    assertThat(down.header("Retry-After")).isEqualTo("5");
    assertThat(down.body()).doesNotContain("Exception");
    assertThat(t.viewer().get("/api/v1/search/contacts/autocomplete?prefix=out").status())
        .isEqualTo(503);

    // The SQL side does not notice: commands and lists answer as before.
    for (int i = 0; i < 10; i++) {
      last = created(t.editor(), "/api/v1/contacts", person("During" + i, "Outage"));
      contacts.add(id(last));
    }
    String renamed = "renamed" + UUID.randomUUID().toString().substring(0, 6);
    last = t.editor().patch("/api/v1/contacts/" + contacts.get(0), Map.of("firstName", renamed));
    assertThat(last.status()).as(last.body()).isEqualTo(200);
    last = t.editor().delete("/api/v1/contacts/" + contacts.get(1));
    assertThat(last.status()).as(last.body()).isEqualTo(200);
    String token = consistencyToken(last);
    Response list =
        t.viewer().header("X-Consistency-Token", token).get("/api/v1/contacts?limit=50");
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    assertThat(list.header("X-Consistency")).isEqualTo("ok");
    assertThat(list.json().get("items")).hasSize(14);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(searchLag()).isPositive());

    ELASTICSEARCH.restore();

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(indexed(t.id())).isEqualTo(sqlVersions(t.id())));
    assertThat(ids(search(t.viewer(), "q=" + renamed, token))).containsExactly(contacts.get(0));
    assertThat(ids(search(t.viewer(), "q=outage&limit=50", token))).hasSize(14);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(searchLag()).isZero());
  }

  @Test
  void aReplayOfTheSearchProjectionChangesNoDocument() throws IOException {
    Instant start = Instant.now().minusSeconds(1);
    Tenant t = newTenant();
    String company =
        id(created(t.editor(), "/api/v1/companies", Map.of("name", "Vandelay Industries")));
    List<String> contacts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Map<String, Object> body = person("Replay" + i, "Latex");
      body.put("companyId", company);
      body.put("tags", List.of("t" + i));
      contacts.add(id(created(t.editor(), "/api/v1/contacts", body)));
    }
    t.editor()
        .post("/api/v1/contacts/" + contacts.get(0) + "/tags", Map.of("tags", List.of("vip")));
    Response renamed =
        t.editor().patch("/api/v1/companies/" + company, Map.of("name", "Vandelay Imports"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    search(t.viewer(), "q=vandelay", consistencyToken(renamed));
    Map<String, Map<?, ?>> before = documents(t.id());
    assertThat(before).hasSize(4);
    assertThat(before.values())
        .allSatisfy(d -> assertThat(d.get("companyName")).isEqualTo("Vandelay Imports"));

    PooledStreamingEventProcessor processor =
        processing.eventProcessor("search", PooledStreamingEventProcessor.class).orElseThrow();
    processor.shutDown();
    processor.resetTokens(source -> source.createTokenAt(start));
    processor.start();
    // A replay ends with the first event past the reset position, so write one.
    Response after =
        t.editor().patch("/api/v1/contacts/" + contacts.get(3), Map.of("lastName", "Latexes"));
    assertThat(after.status()).as(after.body()).isEqualTo(200);
    search(t.viewer(), "q=latexes", consistencyToken(after));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(processor.processingStatus().values())
                    .isNotEmpty()
                    .allSatisfy(status -> assertThat(status.isReplaying()).isFalse()));

    Map<String, Map<?, ?>> replayed = documents(t.id());
    for (String id : contacts.subList(0, 3)) {
      assertThat(replayed.get(id)).as(id).isEqualTo(before.get(id));
    }
    assertThat(replayed.get(contacts.get(3)).get("lastName")).isEqualTo("Latexes");
    assertThat(indexed(t.id())).isEqualTo(sqlVersions(t.id()));
  }

  /** Every contact document of the tenant, by id, with its version as "_version". */
  @SuppressWarnings("unchecked")
  private Map<String, Map<?, ?>> documents(String tenant) throws IOException {
    es.indices().refresh(r -> r.index(SEARCH_INDEX_PREFIX + "-contacts"));
    Map<String, Map<?, ?>> docs = new TreeMap<>();
    es.search(
            s ->
                s.index(SEARCH_INDEX_PREFIX + "-contacts")
                    .routing(tenant)
                    .size(100)
                    .version(true)
                    .query(q -> q.term(x -> x.field("tenantId").value(tenant))),
            Map.class)
        .hits()
        .hits()
        .forEach(
            h -> {
              Map<Object, Object> doc = new java.util.LinkedHashMap<>(h.source());
              doc.put("_version", h.version());
              docs.put(h.id(), doc);
            });
    return docs;
  }

  /** Every contact of the tenant in the index, with its version (archived ones included). */
  private Map<String, Long> indexed(String tenant) throws IOException {
    Map<String, Long> versions = new TreeMap<>();
    documents(tenant).forEach((id, doc) -> versions.put(id, (Long) doc.get("_version")));
    return versions;
  }

  private Map<String, Long> sqlVersions(String tenant) {
    Map<String, Long> versions = new TreeMap<>();
    db.select(CONTACT.ID, CONTACT.VERSION)
        .from(CONTACT)
        .where(CONTACT.TENANT_ID.eq(UUID.fromString(tenant)))
        .forEach(r -> versions.put(r.value1().toString(), r.value2()));
    return versions;
  }

  private long searchLag() {
    Response metrics = platformAdmin().get("/actuator/prometheus");
    Matcher m =
        Pattern.compile("crm_projection_lag_events\\{processor=\"search\"\\} (\\S+)")
            .matcher(metrics.body());
    assertThat(m.find()).as("lag gauge exported").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
