package dev.crm.api.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.segment.FilterOracle.CustomField;
import dev.crm.api.segment.FilterOracle.Firm;
import dev.crm.api.segment.FilterOracle.Person;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Custom fields and activity facts over times the API cannot set: a contact's creation and last
 * activity lie days to months in the past, which commands (stamped with the current time) cannot
 * produce. Definitions and contact rows are therefore written straight into the read tables, and
 * random filters over them, through the API, must agree with the same Java oracle as {@link
 * SegmentOracleTest}, which checks filters over rows the projections wrote.
 *
 * <p>All times lie half an hour off a whole hour before the test started, so relative bounds such
 * as {@code -12h} or {@code daysSinceLastActivity gte 30} never fall on a stored time while the
 * test runs (it would have to run for half an hour).
 */
class SegmentCustomFieldOracleTest extends ApiTestSupport {
  private static final long SEED = 4_2026L;
  private static final int CONTACTS = 250;
  private static final int FILTERS = 250;

  static final List<CustomField> FIELDS =
      List.of(
          new CustomField("nickname", "text", List.of()),
          new CustomField("bio", "textarea", List.of()),
          new CustomField("website", "url", List.of()),
          new CustomField("altEmail", "email", List.of()),
          new CustomField("backupPhone", "phone", List.of()),
          new CustomField("plan", "dropdown", List.of("free", "pro", "enterprise")),
          new CustomField("seats", "number", List.of()),
          new CustomField("arr", "currency", List.of()),
          new CustomField("discount", "decimal", List.of()),
          new CustomField("renewal", "date", List.of()),
          new CustomField("lastLogin", "datetime", List.of()),
          new CustomField("beta", "boolean", List.of()),
          new CustomField(
              "channels", "multi_select", List.of("email", "phone", "chat", "in person")));

  @Autowired DSLContext db;

  @Test
  void customFieldAndActivityFiltersSelectExactlyWhatTheOracleSelects() {
    Random random = new Random(SEED);
    Tenant t = newTenant();
    Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
    FIELDS.forEach(f -> ReadRows.definition(db, t.id(), f, false));
    List<Firm> firms = firms(random);
    ReadRows.firms(db, t.id(), firms);
    List<Person> people = people(random, firms, start);
    ReadRows.people(db, t.id(), people);
    List<String> fields = new ArrayList<>(RandomFilters.CONTACT_FIELDS);
    // Weighted towards what this test is for: each custom field and activity field twice.
    for (int i = 0; i < 2; i++) {
      fields.addAll(RandomFilters.ACTIVITY_FIELDS);
      FIELDS.forEach(f -> fields.add("custom." + f.key()));
    }
    FilterOracle oracle = new FilterOracle(firms, FIELDS);
    RandomFilters filters = new RandomFilters(random, people, firms, FIELDS, fields);
    OracleRuns runs = new OracleRuns(t.viewer(), oracle, filters, random, people);

    runs.checkRandom(FILTERS);
    for (CustomField field : FIELDS) {
      // Every operator of every type at least a few times, whatever the random mix did.
      for (int i = 0; i < 8; i++) {
        runs.check(
            new FilterOracle.TestFilter(List.of(List.of(filters.cond("custom." + field.key())))));
      }
    }
    for (String field : RandomFilters.ACTIVITY_FIELDS) {
      for (int i = 0; i < 8; i++) {
        runs.check(new FilterOracle.TestFilter(List.of(List.of(filters.cond(field)))));
      }
    }

    runs.assertAgreed();
    assertThat(Instant.now())
        .as("relative bounds stay clear of stored times")
        .isBefore(start.plus(Duration.ofMinutes(30)));
  }

  private static List<Firm> firms(Random random) {
    List<Firm> firms = new ArrayList<>();
    List<String> names = List.of("Acme", "Acme Labs", "Globex", "Initech", "Hooli", "Wonka");
    List<String> industries = Arrays.asList("Software", "Retail", "Finance", null);
    for (String name : names) {
      firms.add(
          new Firm(
              UUID.randomUUID().toString(),
              name,
              pick(random, industries),
              random.nextInt(4) == 0 ? null : pick(random, RandomFilters.SIZE_BANDS),
              pick(random, RandomFilters.STATUSES)));
    }
    return firms;
  }

  private static List<Person> people(Random random, List<Firm> firms, Instant start) {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < CONTACTS; i++) {
      Instant created = hoursBefore(start, 24 * 60 + random.nextInt(24 * 60));
      Instant updated =
          random.nextBoolean() ? created : hoursBefore(start, random.nextInt(24 * 60));
      int activities = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(20);
      Instant last = activities == 0 ? null : hoursBefore(start, random.nextInt(24 * 120));
      Set<String> tags = new LinkedHashSet<>();
      for (int n = random.nextInt(3); n > 0; n--) {
        tags.add(pick(random, List.of("vip", "newsletter", "beta")));
      }
      Firm firm = random.nextInt(3) == 0 ? null : pick(random, firms);
      people.add(
          new Person(
              UUID.randomUUID().toString(),
              pick(random, Arrays.asList("Ann", "Bob", "Cleo", null)),
              pick(random, Arrays.asList("Lee", "Leeds", "Ng", null)),
              "c" + i + "@example.com",
              pick(random, Arrays.asList("owner-1", "owner-2", null)),
              firm == null ? null : firm.id(),
              pick(random, RandomFilters.STAGES),
              random.nextInt(101),
              tags,
              random.nextBoolean(),
              random.nextBoolean(),
              random.nextBoolean(),
              random.nextInt(10) == 0,
              customValues(random, start),
              activities,
              last,
              created,
              updated));
    }
    return people;
  }

  /**
   * Canonical strings as the contact API will store them, some missing, some empty, a few
   * malformed.
   */
  private static Map<String, String> customValues(Random random, Instant start) {
    Map<String, String> values = new LinkedHashMap<>();
    maybe(random, values, "nickname", pick(random, List.of("Ace", "ace-2", "Bubbles", "Chip", "")));
    maybe(
        random,
        values,
        "bio",
        pick(random, List.of("Loves hiking", "Hates 100% of meetings", "under_score fan", "")));
    maybe(random, values, "website", pick(random, List.of("https://a.example", "http://b.test/x")));
    maybe(random, values, "altEmail", pick(random, List.of("Ann@Example.com", "bob@test.io")));
    maybe(random, values, "backupPhone", pick(random, List.of("+1 555 0100", "+44 20 7946 0958")));
    maybe(random, values, "plan", pick(random, List.of("free", "pro", "enterprise")));
    maybe(
        random,
        values,
        "seats",
        random.nextInt(20) == 0 ? "lots" : Long.toString(random.nextInt(200) - 20));
    maybe(
        random,
        values,
        "arr",
        BigDecimal.valueOf(random.nextInt(1_000_000), random.nextInt(3))
            .stripTrailingZeros()
            .toPlainString());
    maybe(
        random,
        values,
        "discount",
        BigDecimal.valueOf(random.nextInt(200), 2).stripTrailingZeros().toPlainString());
    maybe(
        random,
        values,
        "renewal",
        random.nextInt(20) == 0
            ? "soon"
            : LocalDate.ofInstant(start, ZoneOffset.UTC)
                .plusDays(random.nextInt(241) - 120)
                .toString());
    maybe(
        random,
        values,
        "lastLogin",
        hoursBefore(start, random.nextInt(24 * 60)).truncatedTo(ChronoUnit.SECONDS).toString());
    maybe(random, values, "beta", Boolean.toString(random.nextBoolean()));
    List<String> channels = new ArrayList<>();
    for (String option : List.of("email", "phone", "chat", "in person")) {
      if (random.nextInt(3) == 0) {
        channels.add(option);
      }
    }
    maybe(random, values, "channels", channels.stream().collect(Collectors.joining(";")));
    return values;
  }

  private static void maybe(Random random, Map<String, String> values, String key, String value) {
    if (random.nextInt(4) != 0) {
      values.put(key, value);
    }
  }

  /** Half an hour off the whole hour, {@code hours} before {@code start}. */
  private static Instant hoursBefore(Instant start, int hours) {
    return start.minus(Duration.ofHours(hours)).minus(Duration.ofMinutes(30));
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
