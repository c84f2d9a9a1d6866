package dev.crm.api.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.segment.FilterOracle.Firm;
import dev.crm.api.segment.FilterOracle.Person;
import dev.crm.api.segment.FilterOracle.TestFilter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Hundreds of random filters over a few hundred random contacts, all created through the API: the
 * service must select exactly the contacts the Java oracle selects, in lists and in counts, and so
 * must segments saved with those filters.
 */
class SegmentOracleTest extends ApiTestSupport {
  private static final long SEED = 20_260_131L;
  private static final int COMPANIES = 12;
  private static final int CONTACTS = 300;
  private static final int FILTERS = 250;
  private static final int SAVED_SEGMENTS = 12;

  private static final List<String> FIRM_NAMES =
      List.of(
          "Acme Corp",
          "Acme Labs",
          "Globex",
          "Initech",
          "Umbrella",
          "Hooli",
          "Stark Industries",
          "Wayne Enterprises",
          "Wonka",
          "Tyrell",
          "Cyberdyne",
          "Soylent");
  private static final List<String> INDUSTRIES =
      java.util.Arrays.asList("Software", "Retail", "Finance", "Health", null);
  private static final List<String> FIRST_NAMES =
      java.util.Arrays.asList("Ann", "Anna", "Bob", "Bea", "Carl", "Cleo", "Dan", "Dora", null);
  private static final List<String> LAST_NAMES =
      java.util.Arrays.asList("Smith", "Smythe", "Jones", "Lee", "Leeds", "Brown", "Ng", null);
  private static final List<String> OWNERS =
      java.util.Arrays.asList("owner-1", "owner-2", "owner-3", "Owner-4", null);
  private static final List<String> TAGS =
      List.of("vip", "newsletter", "partner", "churn-risk", "beta", "Trial");
  private static final List<String> DOMAINS = List.of("example.com", "mail.test", "corp.example");

  @Test
  void filtersAndSegmentsSelectExactlyWhatTheOracleSelects() {
    Random random = new Random(SEED);
    Tenant t = newTenant();
    List<Firm> firms = createCompanies(t, random);
    Map<String, Person> sent = createContacts(t, random, firms);
    Map<String, Long> versions = changeSome(t, random, sent);
    List<Person> people = readBackTimes(t, sent, versions);
    FilterOracle oracle = new FilterOracle(firms, List.of());
    List<String> fields = new ArrayList<>(RandomFilters.CONTACT_FIELDS);
    // No activity can be logged through the API yet: every contact has none, which the
    // activity fields must still answer consistently.
    fields.addAll(RandomFilters.ACTIVITY_FIELDS);
    RandomFilters filters = new RandomFilters(random, people, firms, List.of(), fields);
    OracleRuns runs = new OracleRuns(t.viewer(), oracle, filters, random, people);

    runs.checkRandom(FILTERS);

    runs.assertAgreed();
    assertThat(runs.checked()).isGreaterThanOrEqualTo(200);
    checkSavedSegments(t, random, oracle, filters, people);
  }

  private List<Firm> createCompanies(Tenant t, Random random) {
    List<Firm> firms = new ArrayList<>();
    for (int i = 0; i < COMPANIES; i++) {
      String industry = INDUSTRIES.get(random.nextInt(INDUSTRIES.size()));
      String size =
          random.nextInt(5) == 0
              ? null
              : RandomFilters.SIZE_BANDS.get(random.nextInt(RandomFilters.SIZE_BANDS.size()));
      String status = RandomFilters.STATUSES.get(random.nextInt(RandomFilters.STATUSES.size()));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", FIRM_NAMES.get(i));
      body.put("industry", industry);
      body.put("sizeBand", size);
      body.put("status", status);
      firms.add(
          new Firm(
              create(t.editor(), "/api/v1/companies", body),
              FIRM_NAMES.get(i),
              industry,
              size,
              status));
    }
    return firms;
  }

  private Map<String, Person> createContacts(Tenant t, Random random, List<Firm> firms) {
    Map<String, Person> people = new LinkedHashMap<>();
    for (int i = 0; i < CONTACTS; i++) {
      String first = pick(random, FIRST_NAMES);
      String last = pick(random, LAST_NAMES);
      String email =
          (first == null ? "x" : first).toLowerCase(Locale.ROOT)
              + "."
              + (last == null ? "y" : last).toLowerCase(Locale.ROOT)
              + "."
              + i
              + "@"
              + pick(random, DOMAINS);
      String owner = pick(random, OWNERS);
      String stage = random.nextInt(6) == 0 ? null : pick(random, RandomFilters.STAGES);
      Integer score =
          random.nextInt(5) == 0
              ? null
              : random.nextBoolean() ? 5 * random.nextInt(21) : random.nextInt(101);
      Set<String> tags = new LinkedHashSet<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        tags.add(pick(random, TAGS));
      }
      boolean[] optIns = {random.nextBoolean(), random.nextBoolean(), random.nextBoolean()};
      boolean sendOptIns = random.nextInt(4) != 0;
      Firm firm = random.nextInt(4) == 0 ? null : pick(random, firms);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("firstName", first);
      body.put("lastName", last);
      body.put("email", random.nextInt(5) == 0 ? email.toUpperCase(Locale.ROOT) : email);
      body.put("ownerId", owner);
      body.put("lifecycleStage", stage);
      body.put("leadScore", score);
      body.put("tags", tags);
      if (sendOptIns) {
        body.put("optIns", Map.of("email", optIns[0], "sms", optIns[1], "call", optIns[2]));
      }
      body.put("companyId", firm == null ? null : firm.id());
      String id = create(t.editor(), "/api/v1/contacts", body);
      people.put(
          id,
          new Person(
              id,
              first,
              last,
              email,
              owner,
              firm == null ? null : firm.id(),
              stage == null ? "SUBSCRIBER" : stage,
              score == null ? 0 : score,
              tags,
              sendOptIns && optIns[0],
              sendOptIns && optIns[1],
              sendOptIns && optIns[2],
              false,
              Map.of(),
              0,
              null,
              null,
              null));
    }
    return people;
  }

  /** Rescores, restages and archives some contacts, so updatedAt and archived differ. */
  private Map<String, Long> changeSome(Tenant t, Random random, Map<String, Person> people) {
    Map<String, Long> versions = new HashMap<>();
    people.keySet().forEach(id -> versions.put(id, 0L));
    for (String id : List.copyOf(people.keySet())) {
      Person p = people.get(id);
      int change = random.nextInt(10);
      if (change == 0) {
        int score = random.nextInt(101);
        ApiTestSupport.Response r =
            t.editor().patch("/api/v1/contacts/" + id, Map.of("leadScore", score));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        versions.put(id, r.json().get("version").asLong());
        people.put(id, with(p, p.stage(), score, false));
      } else if (change == 1) {
        String stage = pick(random, RandomFilters.STAGES);
        ApiTestSupport.Response r =
            t.editor().post("/api/v1/contacts/" + id + "/stage", Map.of("lifecycleStage", stage));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        versions.put(id, r.json().get("version").asLong());
        people.put(id, with(p, stage, p.leadScore(), false));
      } else if (change == 2) {
        ApiTestSupport.Response r = t.editor().delete("/api/v1/contacts/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        versions.put(id, r.json().get("version").asLong());
        people.put(id, with(p, p.stage(), p.leadScore(), true));
      }
    }
    return versions;
  }

  private static Person with(Person p, String stage, int score, boolean archived) {
    return new Person(
        p.id(),
        p.firstName(),
        p.lastName(),
        p.email(),
        p.ownerId(),
        p.companyId(),
        stage,
        score,
        p.tags(),
        p.optInEmail(),
        p.optInSms(),
        p.optInCall(),
        archived,
        p.customFields(),
        p.activityCount(),
        p.lastActivityAt(),
        p.createdAt(),
        p.updatedAt());
  }

  /**
   * Waits until the read model shows every contact at its last version, checks it shows what was
   * sent, and takes the times the server assigned from it.
   */
  private List<Person> readBackTimes(
      Tenant t, Map<String, Person> sent, Map<String, Long> versions) {
    Map<String, JsonNode> read = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              read.clear();
              String cursor = null;
              do {
                ApiTestSupport.Response page =
                    t.viewer()
                        .get(
                            "/api/v1/contacts?includeArchived=true&limit=200"
                                + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).isEqualTo(200);
                page.json().get("items").forEach(c -> read.put(c.get("id").asString(), c));
                JsonNode next = page.json().get("nextCursor");
                cursor = next == null || next.isNull() ? null : next.asString();
              } while (cursor != null);
              assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
              versions.forEach(
                  (id, version) ->
                      assertThat(read.get(id).get("version").asLong()).as(id).isEqualTo(version));
            });
    List<Person> people = new ArrayList<>();
    for (Person p : sent.values()) {
      JsonNode c = read.get(p.id());
      assertThat(c.get("lifecycleStage").asString()).isEqualTo(p.stage());
      assertThat(c.get("leadScore").asInt()).isEqualTo(p.leadScore());
      assertThat(c.get("archived").asBoolean()).isEqualTo(p.archived());
      assertThat(c.get("email").asString()).isEqualTo(p.email());
      Set<String> tags = new LinkedHashSet<>();
      c.get("tags").forEach(tag -> tags.add(tag.asString()));
      assertThat(tags).isEqualTo(p.tags());
      people.add(
          new Person(
              p.id(),
              p.firstName(),
              p.lastName(),
              p.email(),
              p.ownerId(),
              p.companyId(),
              p.stage(),
              p.leadScore(),
              p.tags(),
              p.optInEmail(),
              p.optInSms(),
              p.optInCall(),
              p.archived(),
              p.customFields(),
              p.activityCount(),
              p.lastActivityAt(),
              instant(c.get("createdAt")),
              instant(c.get("updatedAt"))));
    }
    return people;
  }

  /** Saved segments answer their contacts and count with the same semantics as ad-hoc filters. */
  private void checkSavedSegments(
      Tenant t, Random random, FilterOracle oracle, RandomFilters filters, List<Person> people) {
    Map<String, TestFilter> saved = new LinkedHashMap<>();
    for (int i = 0; i < SAVED_SEGMENTS; i++) {
      TestFilter filter = filters.next();
      String id =
          create(
              t.editor(),
              "/api/v1/segments",
              Map.of("name", "Segment " + i, "filter", filters.json(filter)));
      saved.put(id, filter);
    }
    for (Map.Entry<String, TestFilter> segment : saved.entrySet()) {
      String path = "/api/v1/segments/" + segment.getKey();
      awaitVersion(t.viewer(), path, 0);
      Set<String> expected = oracle.select(people, segment.getValue(), Instant.now());
      ApiTestSupport.Response count = t.viewer().get(path + "/count");
      assertThat(count.status()).as(count.body()).isEqualTo(200);
      assertThat(count.json().get("count").asLong())
          .as(segment.getValue().toString())
          .isEqualTo(expected.size());
      Set<String> listed = new LinkedHashSet<>();
      String cursor = null;
      do {
        ApiTestSupport.Response page =
            t.viewer()
                .get(
                    path
                        + "/contacts?sort=name&limit=70"
                        + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        page.json().get("items").forEach(c -> listed.add(c.get("id").asString()));
        JsonNode next = page.json().get("nextCursor");
        cursor = next == null || next.isNull() ? null : next.asString();
      } while (cursor != null);
      assertThat(listed).as(segment.getValue().toString()).isEqualTo(expected);
    }
  }

  private static Instant instant(JsonNode node) {
    return OffsetDateTime.parse(node.asString()).toInstant();
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  @SuppressWarnings("unused")
  private static String ids(Set<String> ids) {
    return ids.stream().sorted().collect(Collectors.joining(","));
  }
}
