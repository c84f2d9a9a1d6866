package dev.crm.api.segment;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The filter language evaluated in plain Java over what a test knows about its contacts: the
 * specification that the SQL the service compiles must agree with, written independently of it. It
 * covers every field, including custom fields and activity facts, so tests that create those can
 * use it as they are.
 */
final class FilterOracle {
  /** A company as the test created it. */
  record Firm(String id, String name, String industry, String sizeBand, String status) {}

  /** A custom field definition: key, type (text, number, multi_select, …) and options. */
  record CustomField(String key, String type, List<String> options) {}

  /** A contact as the test created it, plus the times the server assigned. */
  record Person(
      String id,
      String firstName,
      String lastName,
      String email,
      String ownerId,
      String companyId,
      String stage,
      int leadScore,
      Set<String> tags,
      boolean optInEmail,
      boolean optInSms,
      boolean optInCall,
      boolean archived,
      Map<String, String> customFields,
      int activityCount,
      Instant lastActivityAt,
      Instant createdAt,
      Instant updatedAt) {
    Person {
      tags = Set.copyOf(tags);
      customFields = Map.copyOf(customFields);
    }

    Person withStage(String newStage) {
      return with(newStage, leadScore, tags, companyId, archived);
    }

    Person withLeadScore(int newScore) {
      return with(stage, newScore, tags, companyId, archived);
    }

    Person withTags(Set<String> newTags) {
      return with(stage, leadScore, newTags, companyId, archived);
    }

    Person withCompany(String newCompanyId) {
      return with(stage, leadScore, tags, newCompanyId, archived);
    }

    Person withArchived(boolean newArchived) {
      return with(stage, leadScore, tags, companyId, newArchived);
    }

    /** This contact as the server shows it: with the times it assigned. */
    Person withTimes(Instant created, Instant updated) {
      return new Person(
          id,
          firstName,
          lastName,
          email,
          ownerId,
          companyId,
          stage,
          leadScore,
          tags,
          optInEmail,
          optInSms,
          optInCall,
          archived,
          customFields,
          activityCount,
          lastActivityAt,
          created,
          updated);
    }

    private Person with(
        String newStage,
        int newScore,
        Set<String> newTags,
        String newCompanyId,
        boolean newArchived) {
      return new Person(
          id,
          firstName,
          lastName,
          email,
          ownerId,
          newCompanyId,
          newStage,
          newScore,
          newTags,
          optInEmail,
          optInSms,
          optInCall,
          newArchived,
          customFields,
          activityCount,
          lastActivityAt,
          createdAt,
          updatedAt);
    }
  }

  /** One condition as a test writes it; values are strings, as the API normalises them. */
  record Cond(String field, String op, List<String> values) {
    Cond {
      values = List.copyOf(values);
    }
  }

  /** Groups OR-ed, the conditions of a group AND-ed. */
  record TestFilter(List<List<Cond>> groups) {
    TestFilter {
      groups = groups.stream().map(List::copyOf).toList();
    }

    boolean mentions(String field) {
      return groups.stream().flatMap(List::stream).anyMatch(c -> c.field().equals(field));
    }
  }

  private static final Pattern RELATIVE = Pattern.compile("-(\\d+)([dh])");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern DATE_TIME =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");

  private final Map<String, Firm> firms;
  private final Map<String, CustomField> customFields;

  FilterOracle(Collection<Firm> firms, Collection<CustomField> customFields) {
    this.firms = firms.stream().collect(Collectors.toMap(Firm::id, f -> f));
    this.customFields = customFields.stream().collect(Collectors.toMap(CustomField::key, f -> f));
  }

  /** The ids of the people the filter selects at {@code now}. */
  Set<String> select(Collection<Person> people, TestFilter filter, Instant now) {
    return people.stream()
        .filter(p -> matches(p, filter, now))
        .map(Person::id)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  boolean matches(Person p, TestFilter filter, Instant now) {
    // Archived contacts are out unless the filter itself speaks about archived.
    if (p.archived() && !filter.mentions("archived")) {
      return false;
    }
    return filter.groups().stream()
        .anyMatch(group -> group.stream().allMatch(c -> holds(p, c, now)));
  }

  private boolean holds(Person p, Cond c, Instant now) {
    String f = c.field();
    if (f.startsWith("custom.")) {
      CustomField field = customFields.get(f.substring("custom.".length()));
      return custom(field, p.customFields().get(field.key()), c, now);
    }
    if (f.startsWith("company.")) {
      return company(firms.get(p.companyId()), f.substring("company.".length()), c);
    }
    return switch (f) {
      case "firstName" -> text(p.firstName(), c, v -> v);
      case "lastName" -> text(p.lastName(), c, v -> v);
      case "email" -> text(p.email(), c, v -> v.toLowerCase(Locale.ROOT));
      case "ownerId" -> text(p.ownerId(), c, v -> v);
      case "companyId" -> text(p.companyId(), c, v -> v);
      case "lifecycleStage" -> text(p.stage(), c, v -> v.toUpperCase(Locale.ROOT));
      case "leadScore" -> number(BigDecimal.valueOf(p.leadScore()), c);
      case "activityCount" -> number(BigDecimal.valueOf(p.activityCount()), c);
      case "optIns.email" -> bool(p.optInEmail(), c);
      case "optIns.sms" -> bool(p.optInSms(), c);
      case "optIns.call" -> bool(p.optInCall(), c);
      case "archived" -> bool(p.archived(), c);
      case "createdAt" -> time(p.createdAt(), c, now);
      case "updatedAt" -> time(p.updatedAt(), c, now);
      case "lastActivityAt" -> time(p.lastActivityAt(), c, now);
      case "daysSinceLastActivity" -> daysSince(p.lastActivityAt(), c, now);
      case "tags" -> set(p.tags(), c);
      default -> throw new IllegalArgumentException("the oracle does not know " + f);
    };
  }

  // --- kinds of values ------------------------------------------------------------------------

  /** Equality is exact; contains and starts_with ignore case; "" counts as no value. */
  private static boolean text(String value, Cond c, Function<String, String> normal) {
    List<String> v = c.values().stream().map(normal).toList();
    boolean present = value != null && !value.isEmpty();
    return switch (c.op()) {
      case "eq" -> value != null && value.equals(v.getFirst());
      case "neq" -> value == null || !value.equals(v.getFirst());
      case "in" -> value != null && v.contains(value);
      case "not_in" -> value == null || !v.contains(value);
      case "contains" -> value != null && lower(value).contains(lower(v.getFirst()));
      case "starts_with" -> value != null && lower(value).startsWith(lower(v.getFirst()));
      case "exists" -> present;
      case "not_exists" -> !present;
      default -> throw unknownOp(c);
    };
  }

  private static boolean number(BigDecimal value, Cond c) {
    List<BigDecimal> v = c.values().stream().map(BigDecimal::new).toList();
    return ordered(value, v, c, (a, b) -> a.compareTo(b));
  }

  private static boolean bool(boolean value, Cond c) {
    boolean v = Boolean.parseBoolean(c.values().getFirst().toLowerCase(Locale.ROOT));
    return switch (c.op()) {
      case "eq" -> value == v;
      case "neq" -> value != v;
      default -> throw unknownOp(c);
    };
  }

  private static boolean time(Instant value, Cond c, Instant now) {
    List<Instant> v = c.values().stream().map(s -> instant(s, now)).toList();
    return ordered(value, v, c, Instant::compareTo);
  }

  /** Comparisons never match a missing value; neq and not_in do. */
  private static <T> boolean ordered(T value, List<T> v, Cond c, java.util.Comparator<T> order) {
    if (value == null) {
      return switch (c.op()) {
        case "neq", "not_in", "not_exists" -> true;
        default -> false;
      };
    }
    return switch (c.op()) {
      case "eq" -> order.compare(value, v.getFirst()) == 0;
      case "neq" -> order.compare(value, v.getFirst()) != 0;
      case "in" -> v.stream().anyMatch(x -> order.compare(value, x) == 0);
      case "not_in" -> v.stream().noneMatch(x -> order.compare(value, x) == 0);
      case "gt", "after" -> order.compare(value, v.getFirst()) > 0;
      case "gte" -> order.compare(value, v.getFirst()) >= 0;
      case "lt", "before" -> order.compare(value, v.getFirst()) < 0;
      case "lte" -> order.compare(value, v.getFirst()) <= 0;
      case "between" -> order.compare(value, v.get(0)) >= 0 && order.compare(value, v.get(1)) <= 0;
      case "exists" -> true;
      case "not_exists" -> false;
      default -> throw unknownOp(c);
    };
  }

  /** A contact without activity had its last one infinitely long ago. */
  private static boolean daysSince(Instant last, Cond c, Instant now) {
    List<Duration> v = c.values().stream().map(s -> Duration.ofDays(Long.parseLong(s))).toList();
    if (last == null) {
      return c.op().equals("gt") || c.op().equals("gte");
    }
    Duration since = Duration.between(last, now);
    return ordered(since, v, c, Duration::compareTo);
  }

  /** contains = has all, in = has any, not_in = has none. */
  private static boolean set(Set<String> values, Cond c) {
    return switch (c.op()) {
      case "contains" -> values.containsAll(c.values());
      case "in" -> c.values().stream().anyMatch(values::contains);
      case "not_in" -> c.values().stream().noneMatch(values::contains);
      case "exists" -> !values.isEmpty();
      case "not_exists" -> values.isEmpty();
      default -> throw unknownOp(c);
    };
  }

  /** "Is not X" on a company field also holds for contacts without a company. */
  private static boolean company(Firm firm, String attribute, Cond c) {
    if (firm == null) {
      return switch (c.op()) {
        case "neq", "not_in", "not_exists" -> true;
        default -> false;
      };
    }
    return switch (attribute) {
      case "name" -> text(firm.name(), c, v -> v);
      case "industry" -> text(firm.industry(), c, v -> v);
      case "sizeBand" -> text(firm.sizeBand(), c, v -> v.toUpperCase(Locale.ROOT));
      case "status" -> text(firm.status(), c, v -> v.toUpperCase(Locale.ROOT));
      default ->
          throw new IllegalArgumentException("the oracle does not know company." + attribute);
    };
  }

  /**
   * Custom values are canonical strings. Equality compares canonical strings; numbers, dates and
   * date-times compare by value when the stored string has their shape, else count as missing.
   */
  private static boolean custom(CustomField field, String value, Cond c, Instant now) {
    boolean present = value != null && !value.isEmpty();
    if (c.op().equals("exists")) {
      return present;
    }
    if (c.op().equals("not_exists")) {
      return !present;
    }
    return switch (field.type()) {
      case "text", "textarea", "url", "email", "phone", "dropdown" -> text(value, c, v -> v);
      case "boolean" -> text(value, c, v -> v.toLowerCase(Locale.ROOT));
      case "number", "decimal", "currency" -> {
        if (isEquality(c.op())) {
          yield text(value, c, v -> new BigDecimal(v).stripTrailingZeros().toPlainString());
        }
        BigDecimal n =
            value != null && NUMBER.matcher(value).matches() ? new BigDecimal(value) : null;
        yield ordered(
            n, c.values().stream().map(BigDecimal::new).toList(), c, BigDecimal::compareTo);
      }
      case "date" -> {
        List<String> v = c.values().stream().map(s -> date(s, now)).toList();
        Cond canonical = new Cond(c.field(), c.op(), v);
        if (isEquality(c.op())) {
          yield text(value, canonical, x -> x);
        }
        String d = value != null && DATE.matcher(value).matches() ? value : null;
        yield ordered(d, v, c, String::compareTo);
      }
      case "datetime" -> {
        List<String> v =
            c.values().stream()
                .map(s -> instant(s, now).truncatedTo(ChronoUnit.SECONDS).toString())
                .toList();
        String t = value != null && DATE_TIME.matcher(value).matches() ? value : null;
        yield ordered(t, v, c, String::compareTo);
      }
      case "multi_select" -> {
        Set<String> chosen = value == null || value.isEmpty() ? Set.of() : Set.of(value.split(";"));
        yield value == null && !c.op().equals("not_in") ? false : set(chosen, c);
      }
      default -> throw new IllegalArgumentException("the oracle does not know " + field.type());
    };
  }

  private static boolean isEquality(String op) {
    return List.of("eq", "neq", "in", "not_in").contains(op);
  }

  // --- values ---------------------------------------------------------------------------------

  /** Date-time values count to the microsecond, as PostgreSQL stores them. */
  static Instant instant(String value, Instant now) {
    return parse(value, now).truncatedTo(ChronoUnit.MICROS);
  }

  private static Instant parse(String value, Instant now) {
    Matcher relative = RELATIVE.matcher(value);
    if (relative.matches()) {
      long n = Long.parseLong(relative.group(1));
      return now.minus(relative.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n));
    }
    if (DATE.matcher(value).matches()) {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    }
  }

  static String date(String value, Instant now) {
    if (RELATIVE.matcher(value).matches()) {
      return LocalDate.ofInstant(instant(value, now), ZoneOffset.UTC).toString();
    }
    return LocalDate.parse(value).toString();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException unknownOp(Cond c) {
    return new IllegalArgumentException(
        "the oracle does not know "
            + c.op()
            + " on "
            + c.field()
            + " "
            + Arrays.asList(c.values()));
  }
}
