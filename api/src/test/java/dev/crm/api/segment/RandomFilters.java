package dev.crm.api.segment;

import dev.crm.api.segment.FilterOracle.Cond;
import dev.crm.api.segment.FilterOracle.CustomField;
import dev.crm.api.segment.FilterOracle.Firm;
import dev.crm.api.segment.FilterOracle.Person;
import dev.crm.api.segment.FilterOracle.TestFilter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Random filters over the values a test's contacts really have (plus some they do not), so that
 * most filters select some contacts and leave out others. Seeded: a failure can be replayed.
 */
final class RandomFilters {
  /** The fields of the contact itself and of its company. */
  static final List<String> CONTACT_FIELDS =
      List.of(
          "firstName",
          "lastName",
          "email",
          "ownerId",
          "companyId",
          "lifecycleStage",
          "leadScore",
          "optIns.email",
          "optIns.sms",
          "optIns.call",
          "archived",
          "createdAt",
          "updatedAt",
          "tags",
          "company.industry",
          "company.sizeBand",
          "company.status",
          "company.name");

  /** The fields that logged activities change. */
  static final List<String> ACTIVITY_FIELDS =
      List.of("activityCount", "lastActivityAt", "daysSinceLastActivity");

  static final List<String> STAGES =
      List.of("SUBSCRIBER", "LEAD", "MQL", "SQL", "OPPORTUNITY", "CUSTOMER", "EVANGELIST", "OTHER");
  static final List<String> SIZE_BANDS =
      List.of(
          "S_1_10", "S_11_50", "S_51_200", "S_201_500", "S_501_1000", "S_1001_5000", "S_5001_PLUS");
  static final List<String> STATUSES =
      List.of("PROSPECT", "ACTIVE", "CUSTOMER", "PARTNER", "CHURNED");

  private static final List<String> TEXT_OPS =
      List.of("eq", "neq", "in", "not_in", "contains", "starts_with", "exists", "not_exists");
  private static final List<String> CHOICE_OPS =
      List.of("eq", "neq", "in", "not_in", "exists", "not_exists");
  private static final List<String> NUMBER_OPS =
      List.of(
          "eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between", "exists", "not_exists");
  private static final List<String> TIME_OPS =
      List.of("before", "after", "between", "gt", "gte", "lt", "lte", "exists", "not_exists");
  private static final List<String> SET_OPS =
      List.of("contains", "in", "not_in", "exists", "not_exists");
  private static final List<String> RELATIVE =
      List.of("-1d", "-2h", "-12h", "-30d", "-45d", "-90d", "-400d");

  private final Random random;
  private final List<Person> people;
  private final List<Firm> firms;
  private final Map<String, CustomField> customFields = new LinkedHashMap<>();
  private final List<String> fields;

  RandomFilters(
      Random random,
      Collection<Person> people,
      Collection<Firm> firms,
      Collection<CustomField> customFields,
      List<String> fields) {
    this.random = random;
    this.people = List.copyOf(people);
    this.firms = List.copyOf(firms);
    customFields.forEach(f -> this.customFields.put(f.key(), f));
    this.fields = List.copyOf(fields);
  }

  /** One to three groups of one to three conditions. */
  TestFilter next() {
    int groups = pickWeighted(new int[] {55, 30, 15}) + 1;
    List<List<Cond>> result = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int size = pickWeighted(new int[] {45, 40, 15}) + 1;
      List<Cond> group = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        group.add(cond(pick(fields)));
      }
      result.add(group);
    }
    return new TestFilter(result);
  }

  Cond cond(String field) {
    if (field.startsWith("custom.")) {
      return custom(customFields.get(field.substring("custom.".length())), field);
    }
    return switch (field) {
      case "firstName" -> text(field, pool(Person::firstName));
      case "lastName" -> text(field, pool(Person::lastName));
      case "email" -> email(field);
      case "ownerId" -> text(field, pool(Person::ownerId));
      case "companyId" ->
          choice(
              field,
              Stream.concat(firms.stream().map(Firm::id), Stream.of(UUID.randomUUID().toString()))
                  .toList(),
              false);
      case "lifecycleStage" -> choice(field, STAGES, true);
      case "leadScore" -> number(field, people.stream().map(p -> (long) p.leadScore()).toList());
      case "activityCount" ->
          number(field, people.stream().map(p -> (long) p.activityCount()).toList());
      case "optIns.email", "optIns.sms", "optIns.call", "archived" ->
          new Cond(field, pick(List.of("eq", "neq")), List.of(pick(List.of("true", "false"))));
      case "createdAt" -> time(field, people.stream().map(Person::createdAt).toList());
      case "updatedAt" -> time(field, people.stream().map(Person::updatedAt).toList());
      case "lastActivityAt" ->
          time(
              field, people.stream().map(Person::lastActivityAt).filter(Objects::nonNull).toList());
      case "daysSinceLastActivity" -> daysSince(field);
      case "tags" ->
          set(
              field,
              people.stream().flatMap(p -> p.tags().stream()).distinct().sorted().toList(),
              true);
      case "company.industry" -> choice(field, with(firmPool(Firm::industry), "Mining"), false);
      case "company.sizeBand" -> choice(field, SIZE_BANDS, true);
      case "company.status" -> choice(field, STATUSES, true);
      case "company.name" -> text(field, firmPool(Firm::name));
      default -> throw new IllegalArgumentException("no generator for " + field);
    };
  }

  // --- kinds ------------------------------------------------------------------------------------

  private Cond text(String field, List<String> known) {
    List<String> values = with(known, "nobody-" + random.nextInt(1000));
    List<String> pool = known.isEmpty() ? values : known;
    String op = pick(TEXT_OPS);
    return switch (op) {
      case "eq", "neq" -> new Cond(field, op, List.of(pick(values)));
      case "in", "not_in" -> new Cond(field, op, some(values, 1 + random.nextInt(3)));
      case "contains" -> new Cond(field, op, List.of(randomCase(fragment(pick(pool), false))));
      case "starts_with" -> new Cond(field, op, List.of(randomCase(fragment(pick(pool), true))));
      default -> new Cond(field, op, List.of());
    };
  }

  /** Emails are stored lower-cased; a filter in any case finds them. */
  private Cond email(String field) {
    Cond c = text(field, pool(Person::email));
    if (c.op().equals("eq") && random.nextBoolean()) {
      return new Cond(field, "eq", List.of(c.values().getFirst().toUpperCase(Locale.ROOT)));
    }
    return c;
  }

  private Cond choice(String field, List<String> pool, boolean anyCase) {
    String op = pick(CHOICE_OPS);
    Function<String, String> form =
        v -> anyCase && random.nextBoolean() ? v.toLowerCase(Locale.ROOT) : v;
    return switch (op) {
      case "eq", "neq" -> new Cond(field, op, List.of(form.apply(pick(pool))));
      case "in", "not_in" ->
          new Cond(field, op, some(pool, 1 + random.nextInt(3)).stream().map(form).toList());
      default -> new Cond(field, op, List.of());
    };
  }

  private Cond number(String field, List<Long> pool) {
    List<Long> values = new ArrayList<>(pool);
    values.add((long) random.nextInt(120));
    String op = pick(NUMBER_OPS);
    return switch (op) {
      case "in", "not_in" ->
          new Cond(
              field,
              op,
              some(values, 1 + random.nextInt(3)).stream().map(String::valueOf).toList());
      case "between" -> {
        long a = pick(values);
        long b = pick(values);
        yield new Cond(
            field, op, List.of(String.valueOf(Math.min(a, b)), String.valueOf(Math.max(a, b))));
      }
      case "exists", "not_exists" -> new Cond(field, op, List.of());
      default -> new Cond(field, op, List.of(String.valueOf(pick(values))));
    };
  }

  private Cond time(String field, List<Instant> pool) {
    String op = pick(TIME_OPS);
    if (pool.isEmpty()) {
      pool = List.of(Instant.now());
    }
    List<Instant> known = pool;
    return switch (op) {
      case "between" -> {
        String a = instantValue(known);
        String b = instantValue(known);
        Instant now = Instant.now();
        boolean inOrder = FilterOracle.instant(a, now).compareTo(FilterOracle.instant(b, now)) <= 0;
        yield new Cond(field, op, inOrder ? List.of(a, b) : List.of(b, a));
      }
      case "exists", "not_exists" -> new Cond(field, op, List.of());
      default -> new Cond(field, op, List.of(instantValue(known)));
    };
  }

  /** A point near the known ones: one of them exactly, a little off, its day, or relative. */
  private String instantValue(List<Instant> known) {
    Instant base = pick(known);
    int kind = random.nextInt(100);
    if (kind < 45) {
      return base.toString();
    }
    if (kind < 70) {
      return base.plusMillis(random.nextInt(2001) - 1000).toString();
    }
    if (kind < 85) {
      return LocalDate.ofInstant(base, ZoneOffset.UTC).plusDays(random.nextInt(2)).toString();
    }
    return pick(RELATIVE);
  }

  private Cond daysSince(String field) {
    String op = pick(List.of("gt", "gte", "lt", "lte", "between"));
    if (op.equals("between")) {
      int a = random.nextInt(100);
      int b = a + random.nextInt(60);
      return new Cond(field, op, List.of(String.valueOf(a), String.valueOf(b)));
    }
    return new Cond(field, op, List.of(String.valueOf(pick(List.of(0, 1, 7, 14, 30, 45, 60, 90)))));
  }

  /** Tags may name a tag nobody has; multi-select values must be options. */
  private Cond set(String field, List<String> pool, boolean unknownAllowed) {
    List<String> values = unknownAllowed ? with(pool, "no-such-tag") : pool;
    String op = pick(SET_OPS);
    return switch (op) {
      case "contains" -> new Cond(field, op, some(values, 1 + random.nextInt(2)));
      case "in", "not_in" -> new Cond(field, op, some(values, 1 + random.nextInt(3)));
      default -> new Cond(field, op, List.of());
    };
  }

  private Cond custom(CustomField def, String field) {
    List<String> stored =
        people.stream()
            .map(p -> p.customFields().get(def.key()))
            .filter(v -> v != null && !v.isEmpty())
            .distinct()
            .sorted()
            .toList();
    return switch (def.type()) {
      case "text", "textarea", "url", "email", "phone" -> text(field, stored);
      case "dropdown" -> choice(field, def.options(), false);
      case "boolean" -> {
        String op = pick(List.of("eq", "neq", "exists", "not_exists"));
        yield new Cond(
            field,
            op,
            op.equals("eq") || op.equals("neq")
                ? List.of(pick(List.of("true", "false", "TRUE")))
                : List.of());
      }
      case "number", "decimal", "currency" -> customNumber(field, def.type(), stored);
      case "date" -> customDate(field, stored);
      case "datetime" -> time(field, stored.stream().map(Instant::parse).toList());
      case "multi_select" -> set(field, def.options(), false);
      default -> throw new IllegalArgumentException("no generator for type " + def.type());
    };
  }

  /** Numbers in other spellings than the stored one: 42.0 for 42, 12.50 for 12.5. */
  private Cond customNumber(String field, String type, List<String> stored) {
    List<String> values = new ArrayList<>(stored);
    values.add(String.valueOf(random.nextInt(200) - 50));
    Function<String, String> spelt =
        v ->
            random.nextInt(3) == 0
                ? new BigDecimal(v).setScale(type.equals("number") ? 1 : 3).toPlainString()
                : v;
    String op = pick(NUMBER_OPS);
    return switch (op) {
      case "in", "not_in" ->
          new Cond(field, op, some(values, 1 + random.nextInt(3)).stream().map(spelt).toList());
      case "between" -> {
        BigDecimal a = new BigDecimal(pick(values));
        BigDecimal b = new BigDecimal(pick(values));
        yield new Cond(field, op, List.of(a.min(b).toPlainString(), a.max(b).toPlainString()));
      }
      case "exists", "not_exists" -> new Cond(field, op, List.of());
      default -> new Cond(field, op, List.of(spelt.apply(pick(values))));
    };
  }

  private Cond customDate(String field, List<String> stored) {
    List<String> values = new ArrayList<>(stored);
    if (values.isEmpty()) {
      values.add("2026-01-01");
    }
    String op =
        pick(
            List.of(
                "eq",
                "neq",
                "before",
                "after",
                "between",
                "gt",
                "gte",
                "lt",
                "lte",
                "exists",
                "not_exists"));
    Function<String, String> near =
        v ->
            random.nextInt(6) == 0
                ? pick(RELATIVE.stream().filter(r -> r.endsWith("d")).toList())
                : LocalDate.parse(v).plusDays(random.nextInt(3) - 1).toString();
    return switch (op) {
      case "between" -> {
        TreeSet<String> two = new TreeSet<>(List.of(pick(values), pick(values)));
        yield new Cond(field, op, List.of(two.first(), two.last()));
      }
      case "exists", "not_exists" -> new Cond(field, op, List.of());
      default -> new Cond(field, op, List.of(near.apply(pick(values))));
    };
  }

  // --- JSON
  // ---------------------------------------------------------------------------------------

  /**
   * The filter as a client sends it: one value as {@code value} or {@code values}, numbers and
   * booleans sometimes as JSON numbers and booleans.
   */
  Map<String, Object> json(TestFilter filter) {
    List<Object> groups = new ArrayList<>();
    for (List<Cond> group : filter.groups()) {
      List<Object> filters = new ArrayList<>();
      for (Cond c : group) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("field", c.field());
        f.put("op", c.op());
        if (c.values().size() == 1 && random.nextBoolean()) {
          f.put("value", jsonValue(c.values().getFirst()));
        } else if (!c.values().isEmpty() || random.nextInt(4) == 0) {
          f.put("values", c.values().stream().map(this::jsonValue).toList());
        }
        filters.add(f);
      }
      groups.add(Map.of("filters", filters));
    }
    return Map.of("groups", groups);
  }

  private Object jsonValue(String value) {
    if (random.nextBoolean()) {
      return value;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    if (value.matches("-?[0-9]{1,15}")) {
      return Long.parseLong(value);
    }
    return value;
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  private List<String> pool(Function<Person, String> attribute) {
    return people.stream()
        .map(attribute)
        .filter(v -> v != null && !v.isEmpty())
        .distinct()
        .sorted()
        .toList();
  }

  private List<String> firmPool(Function<Firm, String> attribute) {
    return firms.stream()
        .map(attribute)
        .filter(v -> v != null && !v.isEmpty())
        .distinct()
        .sorted()
        .toList();
  }

  private static List<String> with(List<String> pool, String extra) {
    List<String> all = new ArrayList<>(pool);
    all.add(extra);
    return all;
  }

  /** A piece of {@code value}: its start for starts_with, anywhere for contains. */
  private String fragment(String value, boolean prefix) {
    String piece;
    do {
      int length = 1 + random.nextInt(Math.min(4, value.length()));
      int start = prefix ? 0 : random.nextInt(value.length() - length + 1);
      piece = value.substring(start, start + length);
    } while (piece.isBlank() && !value.isBlank());
    return piece;
  }

  private String randomCase(String value) {
    return switch (random.nextInt(3)) {
      case 0 -> value.toUpperCase(Locale.ROOT);
      case 1 -> value.toLowerCase(Locale.ROOT);
      default -> value;
    };
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private <T> List<T> some(List<T> values, int n) {
    List<T> copy = new ArrayList<>(values);
    java.util.Collections.shuffle(copy, random);
    return List.copyOf(copy.subList(0, Math.min(n, copy.size())));
  }

  private int pickWeighted(int[] weights) {
    int total = java.util.Arrays.stream(weights).sum();
    int x = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
