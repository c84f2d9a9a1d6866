package dev.crm.api.search;

import static dev.crm.db.jooq.Tables.CONTACT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Contact search against the real Elasticsearch: typo tolerance, autocomplete, ranking, facets,
 * tenant isolation and read-your-writes. Every search sends the consistency token of the last
 * command, so no test sleeps or polls.
 */
class SearchApiTest extends ApiTestSupport {
  @Autowired DSLContext db;

  @Test
  void aTypoInEachNameStillFindsTheContact() {
    Tenant t = newTenant();
    Response john = created(t.editor(), "/api/v1/contacts", person("John", "Smith"));
    created(t.editor(), "/api/v1/contacts", person("Jane", "Doe"));
    Response last = created(t.editor(), "/api/v1/contacts", person("Maria", "Smithson"));

    JsonNode page = search(t.viewer(), "q=" + enc("jon smiht"), consistencyToken(last));

    assertThat(ids(page)).containsExactly(id(john));
    assertThat(page.get("items").get(0).get("firstName").asString()).isEqualTo("John");
  }

  @Test
  void wholeNamesRankBeforePrefixesAndMatchesAreHighlighted() {
    Tenant t = newTenant();
    Response smithson = created(t.editor(), "/api/v1/contacts", person("John", "Smithson"));
    Response smith = created(t.editor(), "/api/v1/contacts", person("John", "Smith"));

    JsonNode page = search(t.viewer(), "q=" + enc("john smith"), consistencyToken(smith));

    assertThat(ids(page)).containsExactly(id(smith), id(smithson));
    assertThat(page.get("items").get(0).get("highlight").get("fullName").get(0).asString())
        .isEqualTo("<em>John</em> <em>Smith</em>");
    assertThat(page.get("items").get(1).get("highlight").get("fullName").get(0).asString())
        .isEqualTo("<em>John</em> <em>Smithson</em>");
  }

  @Test
  void threeLettersAutocompleteTheLastName() {
    Tenant t = newTenant();
    Response smith = created(t.editor(), "/api/v1/contacts", person("John", "Smith"));
    Response smithers = created(t.editor(), "/api/v1/contacts", person("Anna", "Smithers"));
    Response jones = created(t.editor(), "/api/v1/contacts", person("Bob", "Jones"));

    Response r =
        t.viewer()
            .header("X-Consistency-Token", consistencyToken(jones))
            .get("/api/v1/search/contacts/autocomplete?prefix=smi");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("X-Consistency")).isEqualTo("ok");
    List<String> ids = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    r.json().get("items").forEach(i -> ids.add(i.get("id").asString()));
    r.json().get("items").forEach(i -> labels.add(i.get("label").asString()));
    assertThat(ids).containsExactlyInAnyOrder(id(smith), id(smithers));
    assertThat(labels).contains("John Smith", "Anna Smithers");
  }

  @Test
  void anExactEmailFindsItsContactFirst() {
    Tenant t = newTenant();
    String domain = "d" + UUID.randomUUID().toString().substring(0, 6) + ".com";
    Map<String, Object> target = person("John", "Smith");
    target.put("email", "john.smith@" + domain);
    Map<String, Object> nearEmail = person("John", "Smith");
    nearEmail.put("email", "john.smith@" + domain + ".au");
    Map<String, Object> sameWords = person("John", domain);
    Response a = created(t.editor(), "/api/v1/contacts", nearEmail);
    Response b = created(t.editor(), "/api/v1/contacts", target);
    Response c = created(t.editor(), "/api/v1/contacts", sameWords);

    JsonNode page = search(t.viewer(), "q=" + enc("john.smith@" + domain), consistencyToken(c));

    assertThat(ids(page)).first().isEqualTo(id(b));
    assertThat(ids(page)).doesNotContain(id(c));
    // The near miss is a prefix match, ranked below the exact one.
    assertThat(ids(page)).contains(id(a));
  }

  @Test
  void facetCountsEqualTheSqlCountsForTheSameFilter() {
    Tenant t = newTenant();
    Random random = new Random(42);
    List<String> companies = new ArrayList<>();
    for (String name : List.of("Globex", "Initech", "Umbrella")) {
      companies.add(
          id(created(t.editor(), "/api/v1/companies", Map.of("name", name, "industry", "IT"))));
    }
    List<String> stages = List.of("lead", "mql", "customer", "evangelist");
    List<String> tags = List.of("vip", "gold", "trial");
    Response last = null;
    for (int i = 0; i < 40; i++) {
      Map<String, Object> body = person("Person" + i, "Facet");
      body.put("lifecycleStage", stages.get(random.nextInt(stages.size())));
      List<String> own = new ArrayList<>();
      for (String tag : tags) {
        if (random.nextBoolean()) {
          own.add(tag);
        }
      }
      body.put("tags", own);
      body.put("ownerId", "owner-" + random.nextInt(3));
      if (random.nextInt(4) > 0) {
        body.put("companyId", companies.get(random.nextInt(companies.size())));
      }
      last = created(t.editor(), "/api/v1/contacts", body);
      if (i % 10 == 0) {
        last = t.editor().delete("/api/v1/contacts/" + id(last));
        assertThat(last.status()).as(last.body()).isEqualTo(200);
      }
    }
    String token = consistencyToken(last);
    // The SQL read model has the same events once its list answers with the token.
    Response list = t.viewer().header("X-Consistency-Token", token).get("/api/v1/contacts");
    assertThat(list.header("X-Consistency")).isEqualTo("ok");

    JsonNode page = search(t.viewer(), "tag=vip&limit=1", token);

    var vip =
        CONTACT
            .TENANT_ID
            .eq(UUID.fromString(t.id()))
            .and(CONTACT.ARCHIVED.isFalse())
            .and(DSL.condition("{0} @> array['vip']::text[]", CONTACT.TAGS));
    assertThat(page.get("total").asLong()).isEqualTo(db.fetchCount(CONTACT, vip));
    assertThat(facet(page, "stage")).isEqualTo(sqlCounts(CONTACT.LIFECYCLE_STAGE, vip));
    assertThat(facet(page, "owner")).isEqualTo(sqlCounts(CONTACT.OWNER_ID, vip));
    assertThat(facet(page, "company"))
        .isEqualTo(sqlCounts(CONTACT.COMPANY_ID.cast(String.class), vip));
    Field<String> tag = DSL.field("unnest({0})", String.class, CONTACT.TAGS);
    assertThat(facet(page, "tags")).isEqualTo(sqlCounts(tag, vip));
    assertThat(page.get("facets").get("company").get(0).get("label").asString())
        .isIn("Globex", "Initech", "Umbrella");
  }

  @Test
  void oneTenantsSearchNeverShowsAnotherTenantsContacts() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    Map<String, Object> bOnly = person("Mara", "Quell");
    bOnly.put("email", "mara.quell." + UUID.randomUUID().toString().substring(0, 6) + "@b.com");
    Response inA = created(a.editor(), "/api/v1/contacts", person("Mara", "Quell"));
    Response inB = created(b.editor(), "/api/v1/contacts", bOnly);
    String token = consistencyToken(inB);

    assertThat(ids(search(a.viewer(), "q=" + enc("mara quell"), token))).containsExactly(id(inA));
    assertThat(ids(search(a.viewer(), "q=" + enc(bOnly.get("email").toString()), token))).isEmpty();
    assertThat(ids(search(b.viewer(), "q=" + enc("mara quel"), token))).containsExactly(id(inB));
    JsonNode facets = search(a.viewer(), "", token).get("facets");
    assertThat(facets.get("stage").get(0).get("count").asLong()).isEqualTo(1);
    Response completions =
        a.viewer()
            .header("X-Consistency-Token", token)
            .get("/api/v1/search/contacts/autocomplete?prefix=mara");
    assertThat(completions.json().get("items")).hasSize(1);
    assertThat(completions.json().get("items").get(0).get("id").asString()).isEqualTo(id(inA));
  }

  @Test
  void aSearchWithTheCommandsTokenSeesTheChangeAtOnce() {
    Tenant t = newTenant();
    Response created = created(t.editor(), "/api/v1/contacts", person("Ola", "Nordmann"));
    String word = "zebedee" + UUID.randomUUID().toString().substring(0, 6);

    Response renamed =
        t.editor().patch("/api/v1/contacts/" + id(created), Map.of("firstName", word));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);

    JsonNode page = search(t.viewer(), "q=" + word, consistencyToken(renamed));
    assertThat(ids(page)).containsExactly(id(created));
    Response detail =
        t.viewer()
            .header("X-Consistency-Token", consistencyToken(renamed))
            .get("/api/v1/contacts/" + id(created));
    assertThat(detail.json().get("firstName").asString()).isEqualTo(word);
  }

  @Test
  void renamingACompanyRenamesItOnItsContacts() {
    Tenant t = newTenant();
    String company =
        id(
            created(
                t.editor(),
                "/api/v1/companies",
                Map.of("name", "Initech", "domain", "initech.com")));
    Map<String, Object> body = person("Peter", "Gibbons");
    body.put("companyId", company);
    Response contact = created(t.editor(), "/api/v1/contacts", body);
    JsonNode before = search(t.viewer(), "q=initech", consistencyToken(contact));
    assertThat(before.get("items").get(0).get("companyName").asString()).isEqualTo("Initech");

    Response renamed =
        t.editor().patch("/api/v1/companies/" + company, Map.of("name", "Initrode Global"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);

    JsonNode page = search(t.viewer(), "q=initrode", consistencyToken(renamed));
    assertThat(ids(page)).containsExactly(id(contact));
    assertThat(page.get("items").get(0).get("companyName").asString()).isEqualTo("Initrode Global");
    Response companies =
        t.viewer()
            .header("X-Consistency-Token", consistencyToken(renamed))
            .get("/api/v1/search/companies?q=initrod");
    assertThat(companies.json().get("items").get(0).get("id").asString()).isEqualTo(company);
  }

  @Test
  void archivedContactsLeaveTheDefaultSearchButAFilterFindsThem() {
    Tenant t = newTenant();
    String word = "quillon" + UUID.randomUUID().toString().substring(0, 6);
    Response kept = created(t.editor(), "/api/v1/contacts", person(word, "Kept"));
    Response gone = created(t.editor(), "/api/v1/contacts", person(word, "Gone"));
    Response archived = t.editor().delete("/api/v1/contacts/" + id(gone));
    assertThat(archived.status()).as(archived.body()).isEqualTo(200);
    String token = consistencyToken(archived);

    assertThat(ids(search(t.viewer(), "q=" + word, token))).containsExactly(id(kept));
    assertThat(ids(search(t.viewer(), "q=" + word + "&archived=only", token)))
        .containsExactly(id(gone));
    assertThat(ids(search(t.viewer(), "q=" + word + "&archived=include", token)))
        .containsExactlyInAnyOrder(id(kept), id(gone));
  }

  @Test
  void filtersSortAndCursorPageThroughEveryMatchOnce() {
    Tenant t = newTenant();
    Response last = null;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Map<String, Object> body = person("Page" + i, "Walker");
      body.put("customFields", Map.of());
      body.put("lifecycleStage", i % 2 == 0 ? "lead" : "customer");
      last = created(t.editor(), "/api/v1/contacts", body);
      if (i % 2 == 0) {
        expected.add(id(last));
      }
    }
    String token = consistencyToken(last);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          search(
              t.viewer(),
              "stage=lead&sort=name&limit=2&facets=false"
                  + (cursor == null ? "" : "&cursor=" + cursor),
              token);
      seen.addAll(ids(page));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
    } while (cursor != null);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected).doesNotHaveDuplicates();
  }

  @Test
  void badSearchInputAnswers400NamingTheParameter() {
    Tenant t = newTenant();
    assertBad(t.viewer().get("/api/v1/search/contacts?limit=500"), "limit");
    assertBad(t.viewer().get("/api/v1/search/contacts?sort=loudest"), "sort");
    assertBad(t.viewer().get("/api/v1/search/contacts?custom.bad-key=1"), "custom.bad-key");
    assertBad(t.viewer().get("/api/v1/search/contacts?cursor=nope"), "cursor");
    assertBad(t.viewer().get("/api/v1/search/contacts?createdFrom=yesterday"), "createdFrom");
    assertBad(t.viewer().get("/api/v1/search/contacts?consistencyToken=abc"), "consistencyToken");
    assertBad(t.viewer().get("/api/v1/search/contacts/autocomplete"), "prefix");
    assertThat(anonymous().get("/api/v1/search/contacts?q=x").status()).isEqualTo(401);
  }

  // ---- helpers -----------------------------------------------------------------------------

  static Map<String, Object> person(String first, String last) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("firstName", first);
    body.put("lastName", last);
    body.put("email", uniqueEmail());
    return body;
  }

  static Response created(Client client, String path, Object body) {
    Response r = client.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r;
  }

  static String id(Response r) {
    return r.json().get("id").asString();
  }

  static JsonNode search(Client client, String query, String token) {
    Response r =
        client.header("X-Consistency-Token", token).get("/api/v1/search/contacts?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("X-Consistency")).isEqualTo("ok");
    return r.json();
  }

  static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(i -> ids.add(i.get("id").asString()));
    return ids;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, Long> facet(JsonNode page, String name) {
    Map<String, Long> counts = new TreeMap<>();
    page.get("facets")
        .get(name)
        .forEach(f -> counts.put(f.get("value").asString(), f.get("count").asLong()));
    return counts;
  }

  private Map<String, Long> sqlCounts(Field<String> key, org.jooq.Condition filter) {
    Map<String, Long> counts = new TreeMap<>();
    db.select(key, DSL.count())
        .from(CONTACT)
        .where(filter)
        .groupBy(key)
        .fetch()
        .forEach(
            r -> {
              if (r.value1() != null) {
                counts.put(r.value1(), r.value2().longValue());
              }
            });
    return counts;
  }

  private static void assertBad(Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.crm");
  }
}
