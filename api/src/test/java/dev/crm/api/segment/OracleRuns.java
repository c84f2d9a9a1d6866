package dev.crm.api.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.ApiTestSupport.Client;
import dev.crm.api.ApiTestSupport.Response;
import dev.crm.api.segment.FilterOracle.Person;
import dev.crm.api.segment.FilterOracle.TestFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Runs random filters through the API and compares every answer with the oracle: the ids of all
 * pages of {@code /contacts/filter} and the {@code /contacts/filter/count} must be exactly the
 * contacts the oracle selects.
 */
final class OracleRuns {
  private static final List<String> SORTS = List.of("created", "updated", "name");

  private final Client client;
  private final FilterOracle oracle;
  private final RandomFilters filters;
  private final Random random;
  private final Map<String, Person> people;
  private final List<String> mismatches = new ArrayList<>();
  private int checked;
  private int discriminating;

  OracleRuns(
      Client client,
      FilterOracle oracle,
      RandomFilters filters,
      Random random,
      Collection<Person> people) {
    this.client = client;
    this.oracle = oracle;
    this.filters = filters;
    this.random = random;
    this.people = new LinkedHashMap<>();
    people.forEach(p -> this.people.put(p.id(), p));
  }

  /** Checks {@code n} random filters. */
  void checkRandom(int n) {
    for (int i = 0; i < n; i++) {
      check(filters.next());
    }
  }

  void check(TestFilter filter) {
    Map<String, Object> json = filters.json(filter);
    String shown = ApiTestSupport.JSON.writeValueAsString(json);
    Set<String> listed = listAll(json, shown);
    long count = count(json, shown);
    Set<String> expected = oracle.select(people.values(), filter, Instant.now());
    checked++;
    if (!expected.isEmpty() && expected.size() < people.size()) {
      discriminating++;
    }
    if (!listed.equals(expected) || count != expected.size()) {
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(listed);
      Set<String> extra = new TreeSet<>(listed);
      extra.removeAll(expected);
      mismatches.add(
          shown
              + "\n  expected "
              + expected.size()
              + ", listed "
              + listed.size()
              + ", counted "
              + count
              + "\n  missing: "
              + describe(missing)
              + "\n  extra: "
              + describe(extra));
    }
  }

  /** Every filter agreed with the oracle, and most of them told contacts apart. */
  void assertAgreed() {
    assertThat(mismatches)
        .as("%d of %d filters disagreed with the oracle", mismatches.size(), checked)
        .isEmpty();
    assertThat(discriminating)
        .as("filters that selected some but not all contacts")
        .isGreaterThan(checked / 3);
  }

  int checked() {
    return checked;
  }

  private Set<String> listAll(Map<String, Object> filter, String shown) {
    Set<String> ids = new LinkedHashSet<>();
    String cursor = null;
    String sort = SORTS.get(random.nextInt(SORTS.size()));
    String order = random.nextBoolean() ? "asc" : "desc";
    int limit = List.of(31, 100, 200).get(random.nextInt(3));
    do {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("filter", filter);
      body.put("sort", sort);
      body.put("order", order);
      body.put("limit", limit);
      if (cursor != null) {
        body.put("cursor", cursor);
      }
      Response page = client.post("/api/v1/contacts/filter", body);
      assertThat(page.status()).as(shown + "\n" + page.body()).isEqualTo(200);
      for (JsonNode item : page.json().get("items")) {
        assertThat(ids.add(item.get("id").asString()))
            .as("a contact listed twice across pages of %s", shown)
            .isTrue();
      }
      JsonNode next = page.json().get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null);
    return ids;
  }

  private long count(Map<String, Object> filter, String shown) {
    Response count = client.post("/api/v1/contacts/filter/count", Map.of("filter", filter));
    assertThat(count.status()).as(shown + "\n" + count.body()).isEqualTo(200);
    return count.json().get("count").asLong();
  }

  private String describe(Set<String> ids) {
    Function<String, String> one =
        id -> people.containsKey(id) ? people.get(id).toString() : id + " (not a test contact)";
    return ids.isEmpty()
        ? "none"
        : ids.stream().limit(5).map(one).collect(Collectors.joining("\n    ", "\n    ", ""));
  }
}
