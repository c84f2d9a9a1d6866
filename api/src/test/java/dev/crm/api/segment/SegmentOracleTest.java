package dev.crm.api.segment;

import static dev.crm.db.jooq.Tables.SEGMENT_MEMBERSHIP;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Hundreds of random filters over a few hundred random contacts, all created through the API: the
 * service must select exactly the contacts the Java oracle selects, in lists and in counts, and so
 * must segments saved with those filters: those saved early, whose members the projections kept
 * while contacts were created, rescored, restaged, tagged, moved between companies, archived and
 * restored and while their companies changed, and those saved at the end and built at once.
 */
class SegmentOracleTest extends ApiTestSupport {
  @Autowired DSLContext db;

  private static final long SEED = 20_260_131L;
  private static final int COMPANIES = 12;
  private static final int CONTACTS = 300;
  private static final int FILTERS = 250;
  private static final int SAVED_SEGMENTS = 12;
  private static final int FIRST_CONTACTS = 100;

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
    List<String> fields = new ArrayList<>(RandomFilters.CONTACT_FIELDS);
    // Activities are logged on their own contacts (ContactTimelineApiTest): every contact here
    // has none, which the activity fields must still answer consistently.
    fields.addAll(RandomFilters.ACTIVITY_FIELDS);

    // Segments saved while the tenant has its first contacts are built from them; the projections
    // then keep their members while more contacts arrive and contacts and companies change.
    Map<String, Person> sent = createContacts(t, random, firms, 0, FIRST_CONTACTS);
    Map<String, Long> versions = new HashMap<>();
    sent.keySet().forEach(id -> versions.put(id, 0L));
    List<Person> first = readBackTimes(t, sent, versions);
    Map<String, TestFilter> keptSince =
        saveSegments(t, new RandomFilters(random, first, firms, List.of(), fields), "early");
    sent.putAll(createContacts(t, random, firms, FIRST_CONTACTS, CONTACTS));
    sent.keySet().forEach(id -> versions.putIfAbsent(id, 0L));
    versions.putAll(changeSome(t, random, sent, firms));
    firms = changeCompanies(t, random, firms);
    List<Person> people = readBackTimes(t, sent, versions);

    FilterOracle oracle = new FilterOracle(firms, List.of());
    RandomFilters filters = new RandomFilters(random, people, firms, List.of(), fields);
    OracleRuns runs = new OracleRuns(t.viewer(), oracle, filters, random, people);

    runs.checkRandom(FILTERS);

    runs.assertAgreed();
    assertThat(runs.checked()).isGreaterThanOrEqualTo(200);
    Map<String, TestFilter> saved = new LinkedHashMap<>(keptSince);
    saved.putAll(saveSegments(t, filters, "late"));
    checkSavedSegments(t, saved, oracle, people);
    assertThat(keptSegments(t))
        .as("segments whose members the projections keep (the rest read the clock)")
        .isGreaterThanOrEqualTo(SAVED_SEGMENTS);
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

  /** Contacts number {@code from} to {@code to} (exclusive), made through the API. */
  private Map<String, Person> createContacts(
      Tenant t, Random random, List<Firm> firms, int from, int to) {
    Map<String, Person> people = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
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

  /**
   * Changes about half of the contacts once, each in one of the ways a contact changes: score,
   * stage, tags added or removed, company linked or unlinked, archived, or archived and restored.
   * Answers the contacts' new versions.
   */
  private Map<String, Long> changeSome(
      Tenant t, Random random, Map<String, Person> people, List<Firm> firms) {
    Map<String, Long> versions = new HashMap<>();
    for (String id : List.copyOf(people.keySet())) {
      Person p = people.get(id);
      String path = "/api/v1/contacts/" + id;
      Person changed;
      ApiTestSupport.Response r;
      switch (random.nextInt(16)) {
        case 0 -> {
          int score = random.nextInt(101);
          r = t.editor().patch(path, Map.of("leadScore", score));
          changed = p.withLeadScore(score);
        }
        case 1 -> {
          String stage = pick(random, RandomFilters.STAGES);
          r = t.editor().post(path + "/stage", Map.of("lifecycleStage", stage));
          changed = p.withStage(stage);
        }
        case 2 -> {
          String tag = pick(random, TAGS);
          r = t.editor().post(path + "/tags", Map.of("tags", List.of(tag)));
          Set<String> tags = new LinkedHashSet<>(p.tags());
          tags.add(tag);
          changed = p.withTags(tags);
        }
        case 3 -> {
          String tag = p.tags().isEmpty() ? pick(random, TAGS) : p.tags().iterator().next();
          r = t.editor().post(path + "/tags/remove", Map.of("tags", List.of(tag)));
          Set<String> tags = new LinkedHashSet<>(p.tags());
          tags.remove(tag);
          changed = p.withTags(tags);
        }
        case 4 -> {
          Firm firm = pick(random, firms);
          r = t.editor().put(path + "/company", Map.of("companyId", firm.id()));
          changed = p.withCompany(firm.id());
        }
        case 5 -> {
          r = t.editor().delete(path + "/company");
          changed = p.withCompany(null);
        }
        case 6 -> {
          r = t.editor().delete(path);
          changed = p.withArchived(true);
        }
        case 7 -> {
          assertThat(t.editor().delete(path).status()).isEqualTo(200);
          r = t.editor().post(path + "/restore", Map.of());
          changed = p;
        }
        default -> {
          continue;
        }
      }
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      versions.put(id, r.json().get("version").asLong());
      people.put(id, changed);
    }
    return versions;
  }

  /**
   * Changes the industry, size, status or name of most companies, which changes what segments on
   * company fields select among contacts that did not change; waits until the read model has them.
   */
  private List<Firm> changeCompanies(Tenant t, Random random, List<Firm> firms) {
    List<Firm> changed = new ArrayList<>();
    for (Firm firm : firms) {
      Map<String, Object> body = new LinkedHashMap<>();
      Firm now =
          switch (random.nextInt(5)) {
            case 0 -> {
              String industry = pick(random, List.of("Software", "Retail", "Finance", "Mining"));
              body.put("industry", industry);
              yield new Firm(firm.id(), firm.name(), industry, firm.sizeBand(), firm.status());
            }
            case 1 -> {
              String size = pick(random, RandomFilters.SIZE_BANDS);
              body.put("sizeBand", size);
              yield new Firm(firm.id(), firm.name(), firm.industry(), size, firm.status());
            }
            case 2 -> {
              String status = pick(random, RandomFilters.STATUSES);
              body.put("status", status);
              yield new Firm(firm.id(), firm.name(), firm.industry(), firm.sizeBand(), status);
            }
            case 3 -> {
              String name = firm.name() + " Group";
              body.put("name", name);
              yield new Firm(firm.id(), name, firm.industry(), firm.sizeBand(), firm.status());
            }
            default -> firm;
          };
      if (!body.isEmpty()) {
        ApiTestSupport.Response r = t.editor().patch("/api/v1/companies/" + firm.id(), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitVersion(
            t.viewer(), "/api/v1/companies/" + firm.id(), r.json().get("version").asLong());
      }
      changed.add(now);
    }
    return changed;
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
      assertThat(c.get("companyId").isNull() ? null : c.get("companyId").asString())
          .isEqualTo(p.companyId());
      Set<String> tags = new LinkedHashSet<>();
      c.get("tags").forEach(tag -> tags.add(tag.asString()));
      assertThat(tags).isEqualTo(p.tags());
      people.add(p.withTimes(instant(c.get("createdAt")), instant(c.get("updatedAt"))));
    }
    return people;
  }

  private Map<String, TestFilter> saveSegments(Tenant t, RandomFilters filters, String name) {
    Map<String, TestFilter> saved = new LinkedHashMap<>();
    for (int i = 0; i < SAVED_SEGMENTS; i++) {
      TestFilter filter = filters.next();
      String id =
          create(
              t.editor(),
              "/api/v1/segments",
              Map.of("name", name + " " + i, "filter", filters.json(filter)));
      awaitVersion(t.viewer(), "/api/v1/segments/" + id, 0);
      saved.put(id, filter);
    }
    return saved;
  }

  /**
   * Saved segments answer their contacts and count with the same semantics as ad-hoc filters,
   * whether their members were built when they were saved or kept since.
   */
  private void checkSavedSegments(
      Tenant t, Map<String, TestFilter> saved, FilterOracle oracle, List<Person> people) {
    for (Map.Entry<String, TestFilter> segment : saved.entrySet()) {
      String path = "/api/v1/segments/" + segment.getKey();
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

  /** How many of the tenant's segments have kept members (not counted live). */
  private int keptSegments(Tenant t) {
    return db.fetchCount(
        SEGMENT_MEMBERSHIP,
        SEGMENT_MEMBERSHIP.TENANT_ID.eq(UUID.fromString(t.id())),
        SEGMENT_MEMBERSHIP.MEMBERS.isNotNull());
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
