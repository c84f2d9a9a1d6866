package dev.crm.api.ops;

import static dev.crm.db.jooq.Tables.CONTACT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Blue/green rebuilds of the search indexes against the real Elasticsearch and PostgreSQL: a
 * rebuild under writes ends equal to the contact table while searches never fail or come back
 * empty, a damaged index is repaired, and a rebuild can be paused and resumed.
 */
class SearchRebuildTest extends RebuildTestSupport {
  private static final String ALIAS = SEARCH_INDEX_PREFIX + "-contacts";
  @Autowired ElasticsearchClient es;
  @Autowired DSLContext db;

  private Response search(Tenant t, String q) {
    return t.viewer().get("/api/v1/search/contacts?limit=100&q=" + q);
  }

  /** Every contact document of the tenant, by id, with its last name and version. */
  @SuppressWarnings("unchecked")
  private Map<String, String> documents(String tenant) throws IOException {
    es.indices().refresh(r -> r.index(ALIAS));
    Map<String, String> docs = new TreeMap<>();
    es.search(
            s ->
                s.index(ALIAS)
                    .routing(tenant)
                    .size(1000)
                    .version(true)
                    .query(q -> q.term(x -> x.field("tenantId").value(tenant))),
            Map.class)
        .hits()
        .hits()
        .forEach(h -> docs.put(h.id(), h.source().get("lastName") + "@" + h.version()));
    return docs;
  }

  /** The same, from the contact table: what a fresh build must hold. */
  private Map<String, String> rows(String tenant) {
    Map<String, String> rows = new TreeMap<>();
    db.select(CONTACT.ID, CONTACT.LAST_NAME, CONTACT.VERSION)
        .from(CONTACT)
        .where(CONTACT.TENANT_ID.eq(UUID.fromString(tenant)))
        .forEach(r -> rows.put(r.value1().toString(), r.value2() + "@" + r.value3()));
    return rows;
  }

  private Set<String> servingIndexes() throws IOException {
    return es.indices().getAlias(a -> a.name(ALIAS)).result().keySet();
  }

  private static Map<String, Object> person(String first, String last) {
    Map<String, Object> c = new java.util.HashMap<>(contact(uniqueEmail()));
    c.put("firstName", first);
    c.put("lastName", last);
    return c;
  }

  @Test
  void aRebuildUnderWritesEndsEqualToTheTableAndSearchesNeverFailOrComeBackEmpty()
      throws Exception {
    Tenant t = newTenant();
    for (int i = 0; i < 20; i++) {
      create(t.editor(), "/api/v1/contacts", person("Ann" + i, "Rebuildson"));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> search(t, "Rebuildson").json().get("total").asLong() == 20);
    Set<String> before = servingIndexes();

    AtomicInteger written = new AtomicInteger(20);
    String id =
        rebuildUnderLoad(
            "search",
            i -> {
              String contact =
                  create(t.editor(), "/api/v1/contacts", person("Bo" + i, "Rebuildson"));
              written.incrementAndGet();
              if (i % 3 == 0) {
                t.editor().patch("/api/v1/contacts/" + contact, Map.of("lastName", "Rebuildson"));
              }
            },
            () -> {
              Response r = search(t, "Rebuildson");
              if (r.status() != 200) {
                return r.status() + " " + r.body();
              }
              return r.json().get("total").asLong() < 20
                  ? "only " + r.json().get("total") + " hits"
                  : null;
            });
    Set<String> after = servingIndexes();
    assertThat(after)
        .allSatisfy(i -> assertThat(i).endsWith("-r" + id))
        .doesNotContainAnyElementsOf(before);
    for (String old : before) {
      assertThat(es.indices().exists(e -> e.index(old)).value()).as(old + " dropped").isFalse();
    }
    // The search processor goes on from where the rebuild stopped: later writes are found too.
    String late = create(t.editor(), "/api/v1/contacts", person("Late", "Rebuildson"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(documents(t.id())).containsKey(late));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(documents(t.id())).isEqualTo(rows(t.id())));
    assertThat(rows(t.id())).hasSize(written.get() + 1);
  }

  @Test
  void aDamagedIndexIsRepairedByARebuildThatCanBePausedAndResumed() throws Exception {
    Tenant t = newTenant();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(create(t.editor(), "/api/v1/contacts", person("Cy" + i, "Repairson")));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(documents(t.id())).isEqualTo(rows(t.id())));

    // Damage: one document lost, another overwritten with a wrong name.
    String write = SEARCH_INDEX_PREFIX + "-contacts-write";
    es.delete(d -> d.index(write).id(ids.get(0)).routing(t.id()));
    Map<String, Object> wrong =
        new java.util.HashMap<>(
            es.get(g -> g.index(ALIAS).id(ids.get(1)).routing(t.id()), Map.class).source());
    wrong.put("lastName", "Vandalized");
    es.index(i -> i.index(write).id(ids.get(1)).routing(t.id()).document(wrong));
    assertThat(documents(t.id())).isNotEqualTo(rows(t.id()));

    Response started = startRebuild("search");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asString();
    pauseAndResume(id);
    awaitCompleted(id);

    assertThat(documents(t.id())).isEqualTo(rows(t.id()));
    assertThat(search(t, "Repairson").json().get("total").asLong()).isEqualTo(10);
    assertThat(search(t, "Vandalized").json().get("total").asLong()).isZero();
  }

  @Test
  void rebuildsAreForThePlatformAdminAndNameARealReadModel() {
    Tenant t = newTenant();
    assertThat(t.admin().post("/api/v1/admin/rebuilds", Map.of("readModel", "search")).status())
        .isEqualTo(403);
    Response bad = platformAdmin().post("/api/v1/admin/rebuilds", Map.of("readModel", "nope"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(bad.body()).contains("readModel");
    assertThat(platformAdmin().get("/api/v1/admin/rebuilds/nope").status()).isEqualTo(404);
  }
}
