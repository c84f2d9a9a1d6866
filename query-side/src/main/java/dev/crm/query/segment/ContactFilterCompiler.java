package dev.crm.query.segment;

import static dev.crm.db.jooq.Tables.COMPANY;
import static dev.crm.db.jooq.Tables.CONTACT;
import static org.jooq.impl.DSL.arrayOverlap;
import static org.jooq.impl.DSL.cardinality;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.jsonbGetAttributeAsText;
import static org.jooq.impl.DSL.not;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.stringToArray;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crm.query.segment.CustomFieldDefinitions.Definition;
import dev.crm.query.segment.SegmentFilter.Filter;
import dev.crm.query.segment.SegmentFilter.FilterGroup;
import dev.crm.query.shared.Ids;
import dev.crm.query.shared.InvalidQuery;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Compiles a contact filter into one jOOQ condition on CONTACT, inside one tenant. This is where
 * the filter language is defined: which fields exist, which operators each allows, how values are
 * read, and what each operator means. The rules every field follows:
 *
 * <ul>
 *   <li>{@code neq} and {@code not_in} also match contacts without a value ("is not X" is "does not
 *       have X"); {@code not_exists} is the negation of {@code exists}.
 *   <li>{@code exists} means a non-null, non-empty value (a tag list with at least one tag).
 *   <li>Comparisons ({@code gt}…, {@code before}/{@code after}, {@code between}, {@code contains},
 *       {@code starts_with}) never match a missing value; {@code between} includes both bounds.
 *   <li>Archived contacts are left out unless a filter names {@code archived}; then the filter
 *       alone decides.
 * </ul>
 *
 * Values are always bound, never inlined; custom field keys reach SQL only as bound values of jsonb
 * operators.
 */
final class ContactFilterCompiler {
  /** The JSON field a filter arrives in; every rejection names a path inside it. */
  static final String ROOT = "filter";

  /** Bounds on one filter, so that one request cannot become an unbounded query. */
  static final int MAX_GROUPS = 10;

  static final int MAX_FILTERS_PER_GROUP = 20;
  static final int MAX_FILTERS = 50;
  static final int MAX_VALUES = 100;
  static final int MAX_VALUE_LENGTH = 500;

  /** daysSinceLastActivity counts back a hundred years at most. */
  static final long MAX_DAYS = 36_500;

  /** The names of the domain's LifecycleStage, which the read side may not depend on. */
  static final List<String> LIFECYCLE_STAGES =
      List.of("SUBSCRIBER", "LEAD", "MQL", "SQL", "OPPORTUNITY", "CUSTOMER", "EVANGELIST", "OTHER");

  /** The names of the domain's company SizeBand. */
  static final List<String> COMPANY_SIZE_BANDS =
      List.of(
          "S_1_10", "S_11_50", "S_51_200", "S_201_500", "S_501_1000", "S_1001_5000", "S_5001_PLUS");

  /** The names of the domain's CompanyStatus. */
  static final List<String> COMPANY_STATUSES =
      List.of("PROSPECT", "ACTIVE", "CUSTOMER", "PARTNER", "CHURNED");

  private static final String CUSTOM_PREFIX = "custom.";
  private static final String COMPANY_PREFIX = "company.";
  private static final String ARCHIVED = "archived";
  private static final String DAYS_SINCE_LAST_ACTIVITY = "daysSinceLastActivity";

  /** The key syntax the contact aggregate accepts for custom fields. */
  private static final Pattern CUSTOM_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** Stored custom values that can be compared as numbers, dates and date-times. */
  private static final String NUMBER_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$";

  private static final String DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
  private static final String DATE_TIME_PATTERN =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DSLContext db;
  private final Clock clock;

  ContactFilterCompiler(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The condition selecting the tenant's contacts that the filter matches. */
  Condition compile(UUID tenantId, SegmentFilter filter) {
    requireShape(filter);
    Instant now = clock.instant();
    Map<String, Definition> custom = CustomFieldDefinitions.of(db, tenantId, customKeys(filter));
    boolean mentionsArchived = false;
    List<Condition> groups = new ArrayList<>();
    for (int g = 0; g < filter.groups().size(); g++) {
      List<Condition> filters = new ArrayList<>();
      List<Filter> group = filter.groups().get(g).filters();
      for (int f = 0; f < group.size(); f++) {
        String path = ROOT + ".groups[" + g + "].filters[" + f + "]";
        Filter given = group.get(f);
        Function<Term, Condition> subject = subject(path, given.field(), tenantId, custom);
        Term term =
            new Term(
                path, given.field(), FilterOp.parse(path + ".op", given.op()), given.values(), now);
        filters.add(subject.apply(term));
        mentionsArchived |= ARCHIVED.equals(given.field());
      }
      groups.add(DSL.and(filters));
    }
    Condition where = CONTACT.TENANT_ID.eq(tenantId);
    if (!mentionsArchived) {
      where = where.and(CONTACT.ARCHIVED.isFalse());
    }
    return where.and(DSL.or(groups));
  }

  /**
   * Whether what the filter selects can change with the clock alone: it counts days since the last
   * activity, or a value is a relative time ({@code -30d}). Any relative-looking value counts, even
   * one given to a text field, so that the answer errs on the side of "it does".
   */
  static boolean readsClock(SegmentFilter filter) {
    return filter.groups().stream()
        .flatMap(g -> g.filters().stream())
        .anyMatch(
            f ->
                DAYS_SINCE_LAST_ACTIVITY.equals(f.field())
                    || f.values().stream().anyMatch(FilterValues::isRelative));
  }

  // --- shape --------------------------------------------------------------------------------

  private static void requireShape(SegmentFilter filter) {
    if (filter == null || filter.groups() == null || filter.groups().isEmpty()) {
      throw new InvalidQuery(ROOT + ".groups", "must hold at least one group");
    }
    if (filter.groups().size() > MAX_GROUPS) {
      throw new InvalidQuery(ROOT + ".groups", "must hold at most " + MAX_GROUPS + " groups");
    }
    int total = 0;
    for (int g = 0; g < filter.groups().size(); g++) {
      String path = ROOT + ".groups[" + g + "].filters";
      FilterGroup group = filter.groups().get(g);
      if (group == null || group.filters() == null || group.filters().isEmpty()) {
        throw new InvalidQuery(path, "must hold at least one filter");
      }
      if (group.filters().size() > MAX_FILTERS_PER_GROUP) {
        throw new InvalidQuery(path, "must hold at most " + MAX_FILTERS_PER_GROUP + " filters");
      }
      total += group.filters().size();
      for (int f = 0; f < group.filters().size(); f++) {
        Filter given = group.filters().get(f);
        if (given == null) {
          throw new InvalidQuery(path + "[" + f + "]", "is required");
        }
        if (given.values().size() > MAX_VALUES) {
          throw new InvalidQuery(
              path + "[" + f + "].values", "must hold at most " + MAX_VALUES + " values");
        }
      }
    }
    if (total > MAX_FILTERS) {
      throw new InvalidQuery(ROOT + ".groups", "must hold at most " + MAX_FILTERS + " filters");
    }
  }

  private static Set<String> customKeys(SegmentFilter filter) {
    Set<String> keys = new LinkedHashSet<>();
    for (FilterGroup group : filter.groups()) {
      for (Filter f : group.filters()) {
        if (f.field() != null && f.field().startsWith(CUSTOM_PREFIX)) {
          String key = f.field().substring(CUSTOM_PREFIX.length());
          if (CUSTOM_KEY.matcher(key).matches()) {
            keys.add(key);
          }
        }
      }
    }
    return keys;
  }

  // --- fields -------------------------------------------------------------------------------

  /** What the field names: a function from the filter's operator and values to a condition. */
  private static Function<Term, Condition> subject(
      String path, String field, UUID tenantId, Map<String, Definition> custom) {
    if (field == null || field.isBlank()) {
      throw new InvalidQuery(path + ".field", "is required");
    }
    if (field.startsWith(CUSTOM_PREFIX)) {
      return custom(path, field.substring(CUSTOM_PREFIX.length()), custom);
    }
    if (field.startsWith(COMPANY_PREFIX)) {
      return company(path, field, tenantId);
    }
    return switch (field) {
      case "firstName" -> t -> text(t, CONTACT.FIRST_NAME, UnaryOperator.identity());
      case "lastName" -> t -> text(t, CONTACT.LAST_NAME, UnaryOperator.identity());
      // Primary emails are stored lower-cased.
      case "email" -> t -> text(t, CONTACT.EMAIL, v -> v.toLowerCase(Locale.ROOT));
      case "ownerId" -> t -> text(t, CONTACT.OWNER_ID, UnaryOperator.identity());
      case "companyId" -> ContactFilterCompiler::companyId;
      case "lifecycleStage" -> t -> choice(t, CONTACT.LIFECYCLE_STAGE, LIFECYCLE_STAGES);
      case "leadScore" -> t -> wholeNumber(t, CONTACT.LEAD_SCORE);
      case "activityCount" -> t -> wholeNumber(t, CONTACT.ACTIVITY_COUNT);
      case "optIns.email" -> t -> bool(t, CONTACT.OPT_IN_EMAIL);
      case "optIns.sms" -> t -> bool(t, CONTACT.OPT_IN_SMS);
      case "optIns.call" -> t -> bool(t, CONTACT.OPT_IN_CALL);
      case ARCHIVED -> t -> bool(t, CONTACT.ARCHIVED);
      case "createdAt" -> t -> dateTime(t, CONTACT.CREATED_AT);
      case "updatedAt" -> t -> dateTime(t, CONTACT.UPDATED_AT);
      case "lastActivityAt" -> t -> dateTime(t, CONTACT.LAST_ACTIVITY_AT);
      case DAYS_SINCE_LAST_ACTIVITY -> ContactFilterCompiler::daysSinceLastActivity;
      case "tags" -> ContactFilterCompiler::tags;
      default -> throw unknownField(path, field);
    };
  }

  private static InvalidQuery unknownField(String path, String field) {
    return new InvalidQuery(
        path + ".field", "'" + field + "' is not a field contacts can be filtered on");
  }

  private static Condition text(Term t, Field<String> x, UnaryOperator<String> normal) {
    t.allow(
        FilterOp.EQ,
        FilterOp.NEQ,
        FilterOp.IN,
        FilterOp.NOT_IN,
        FilterOp.CONTAINS,
        FilterOp.STARTS_WITH,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<String> v = t.values(false).stream().map(normal).toList();
    return switch (t.op()) {
      case CONTAINS -> x.containsIgnoreCase(v.getFirst());
      case STARTS_WITH -> x.startsWithIgnoreCase(v.getFirst());
      default -> compare(t.op(), x, v, nullable(x), present(x));
    };
  }

  /** A closed set of upper-case names (or, when {@code allowed} is null, any exact text). */
  private static Condition choice(Term t, Field<String> x, List<String> allowed) {
    t.allow(
        FilterOp.EQ,
        FilterOp.NEQ,
        FilterOp.IN,
        FilterOp.NOT_IN,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<String> v = t.values(false);
    if (allowed != null) {
      v = v.stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
      for (String value : v) {
        if (!allowed.contains(value)) {
          throw new InvalidQuery(
              t.valuesPath(), "'" + value + "' is not one of " + String.join(", ", allowed));
        }
      }
    }
    return compare(t.op(), x, v, nullable(x), present(x));
  }

  private static Condition companyId(Term t) {
    t.allow(
        FilterOp.EQ,
        FilterOp.NEQ,
        FilterOp.IN,
        FilterOp.NOT_IN,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<UUID> v =
        t.values(false).stream().map(s -> Ids.require(t.valuesPath(), s.trim())).toList();
    return compare(t.op(), CONTACT.COMPANY_ID, v, true, CONTACT.COMPANY_ID.isNotNull());
  }

  /** What numbers (standard and custom) may be filtered with. */
  private static final FilterOp[] NUMBER_OPS = {
    FilterOp.EQ,
    FilterOp.NEQ,
    FilterOp.IN,
    FilterOp.NOT_IN,
    FilterOp.GT,
    FilterOp.GTE,
    FilterOp.LT,
    FilterOp.LTE,
    FilterOp.BETWEEN,
    FilterOp.EXISTS,
    FilterOp.NOT_EXISTS
  };

  private static Condition wholeNumber(Term t, Field<Integer> x) {
    t.allow(NUMBER_OPS);
    List<Long> v =
        t.values(false).stream().map(s -> FilterValues.wholeNumber(t.valuesPath(), s)).toList();
    t.requireOrdered(v, Comparator.naturalOrder());
    // Compared as bigint, so that any whole number is a valid bound for an integer column.
    return compare(t.op(), x.coerce(SQLDataType.BIGINT), v, nullable(x), x.isNotNull());
  }

  private static Condition bool(Term t, Field<Boolean> x) {
    t.allow(FilterOp.EQ, FilterOp.NEQ);
    List<Boolean> v =
        t.values(false).stream().map(s -> FilterValues.bool(t.valuesPath(), s)).toList();
    return compare(t.op(), x, v, nullable(x), x.isNotNull());
  }

  private static Condition dateTime(Term t, Field<OffsetDateTime> x) {
    t.allow(
        FilterOp.BEFORE,
        FilterOp.AFTER,
        FilterOp.BETWEEN,
        FilterOp.GT,
        FilterOp.GTE,
        FilterOp.LT,
        FilterOp.LTE,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<OffsetDateTime> v =
        t.values(false).stream()
            .map(s -> FilterValues.instant(t.valuesPath(), s, t.now()).atOffset(ZoneOffset.UTC))
            .toList();
    t.requireOrdered(v, Comparator.naturalOrder());
    return compare(t.op(), x, v, nullable(x), x.isNotNull());
  }

  /**
   * Days since the last logged activity, as a real number of days before now; a contact that never
   * had one counts as infinitely long ago, so {@code gte 30} ("nothing in the last 30 days")
   * includes it and {@code lt 30} does not.
   */
  private static Condition daysSinceLastActivity(Term t) {
    t.allow(FilterOp.GT, FilterOp.GTE, FilterOp.LT, FilterOp.LTE, FilterOp.BETWEEN);
    List<Long> days =
        t.values(false).stream().map(s -> FilterValues.wholeNumber(t.valuesPath(), s)).toList();
    for (long d : days) {
      if (d < 0 || d > MAX_DAYS) {
        throw new InvalidQuery(t.valuesPath(), "must be 0 to " + MAX_DAYS + " days");
      }
    }
    t.requireOrdered(days, Comparator.naturalOrder());
    Field<OffsetDateTime> last = CONTACT.LAST_ACTIVITY_AT;
    Function<Long, OffsetDateTime> ago =
        d -> t.now().minus(Duration.ofDays(d)).atOffset(ZoneOffset.UTC);
    OffsetDateTime first = ago.apply(days.getFirst());
    return switch (t.op()) {
      case GT -> last.isNull().or(last.lt(first));
      case GTE -> last.isNull().or(last.le(first));
      case LT -> last.gt(first);
      case LTE -> last.ge(first);
      case BETWEEN -> last.between(ago.apply(days.get(1)), first);
      default -> throw new IllegalStateException("not allowed: " + t.op());
    };
  }

  /** Tags use the array operators that the GIN index (tenant_id, tags) answers. */
  private static Condition tags(Term t) {
    t.allow(FilterOp.CONTAINS, FilterOp.IN, FilterOp.NOT_IN, FilterOp.EXISTS, FilterOp.NOT_EXISTS);
    String[] v = t.values(true).toArray(String[]::new);
    return switch (t.op()) {
      case CONTAINS -> CONTACT.TAGS.contains(v);
      case IN -> arrayOverlap(CONTACT.TAGS, v);
      case NOT_IN -> not(arrayOverlap(CONTACT.TAGS, v));
      case EXISTS -> cardinality(CONTACT.TAGS).gt(0);
      case NOT_EXISTS -> cardinality(CONTACT.TAGS).eq(0);
      default -> throw new IllegalStateException("not allowed: " + t.op());
    };
  }

  /**
   * Company fields match through the contact's company, in the same tenant: the positive operators
   * as {@code company_id IN (companies that match)}; the negative ones as {@code NOT EXISTS} of a
   * matching company, which also holds for contacts without a company.
   */
  private static Function<Term, Condition> company(String path, String field, UUID tenantId) {
    Function<Term, Condition> onCompany =
        switch (field.substring(COMPANY_PREFIX.length())) {
          // Industry is free text that works as a category: compared exactly, as stored.
          case "industry" -> t -> choice(t, COMPANY.INDUSTRY, null);
          case "sizeBand" -> t -> choice(t, COMPANY.SIZE_BAND, COMPANY_SIZE_BANDS);
          case "status" -> t -> choice(t, COMPANY.STATUS, COMPANY_STATUSES);
          case "name" -> t -> text(t, COMPANY.NAME, UnaryOperator.identity());
          default -> throw unknownField(path, field);
        };
    return t -> {
      Condition direct = onCompany.apply(t);
      FilterOp positive =
          switch (t.op()) {
            case NEQ -> FilterOp.EQ;
            case NOT_IN -> FilterOp.IN;
            case NOT_EXISTS -> FilterOp.EXISTS;
            default -> null;
          };
      if (positive == null) {
        return CONTACT.COMPANY_ID.in(
            select(COMPANY.ID).from(COMPANY).where(COMPANY.TENANT_ID.eq(tenantId), direct));
      }
      return notExists(
          selectOne()
              .from(COMPANY)
              .where(
                  COMPANY.TENANT_ID.eq(tenantId),
                  COMPANY.ID.eq(CONTACT.COMPANY_ID),
                  onCompany.apply(t.withOp(positive))));
    };
  }

  // --- custom fields ------------------------------------------------------------------------

  private static Function<Term, Condition> custom(
      String path, String key, Map<String, Definition> definitions) {
    Definition definition = definitions.get(key);
    if (definition == null) {
      throw new InvalidQuery(
          path + ".field", "'custom." + key + "' is not a custom field of contacts");
    }
    CustomFieldType type =
        definition
            .type()
            .orElseThrow(
                () ->
                    new InvalidQuery(
                        path + ".field",
                        "custom fields of type '"
                            + definition.storedType()
                            + "' cannot be filtered"));
    return t -> customCondition(t, key, type, definition.options());
  }

  private static Condition customCondition(
      Term t, String key, CustomFieldType type, List<String> options) {
    Field<String> raw = jsonbGetAttributeAsText(CONTACT.CUSTOM_FIELDS, val(key));
    Condition present = present(raw);
    if (type.textLike()) {
      t.allow(
          FilterOp.EQ,
          FilterOp.NEQ,
          FilterOp.IN,
          FilterOp.NOT_IN,
          FilterOp.CONTAINS,
          FilterOp.STARTS_WITH,
          FilterOp.EXISTS,
          FilterOp.NOT_EXISTS);
      List<String> v = t.values(false);
      return switch (t.op()) {
        case CONTAINS -> raw.containsIgnoreCase(v.getFirst());
        case STARTS_WITH -> raw.startsWithIgnoreCase(v.getFirst());
        default -> equality(t.op(), key, v, present);
      };
    }
    return switch (type) {
      case DROPDOWN -> {
        t.allow(
            FilterOp.EQ,
            FilterOp.NEQ,
            FilterOp.IN,
            FilterOp.NOT_IN,
            FilterOp.EXISTS,
            FilterOp.NOT_EXISTS);
        yield equality(t.op(), key, options(t, t.values(false), options), present);
      }
      case BOOLEAN -> {
        t.allow(FilterOp.EQ, FilterOp.NEQ, FilterOp.EXISTS, FilterOp.NOT_EXISTS);
        List<String> v =
            t.values(false).stream()
                .map(s -> Boolean.toString(FilterValues.bool(t.valuesPath(), s)))
                .toList();
        yield equality(t.op(), key, v, present);
      }
      case NUMBER, DECIMAL, CURRENCY -> customNumber(t, key, type, raw, present);
      case DATE -> customDate(t, key, raw, present);
      case DATETIME -> customDateTime(t, raw, present);
      case MULTI_SELECT -> {
        t.allow(
            FilterOp.CONTAINS, FilterOp.IN, FilterOp.NOT_IN, FilterOp.EXISTS, FilterOp.NOT_EXISTS);
        Field<String[]> chosen = stringToArray(raw, inline(";"));
        Field<String[]> v =
            val(
                options(t, t.values(true), options).toArray(String[]::new),
                SQLDataType.CLOB.array());
        yield switch (t.op()) {
          case CONTAINS -> chosen.contains(v);
          case IN -> arrayOverlap(chosen, v);
          case NOT_IN -> raw.isNull().or(not(arrayOverlap(chosen, v)));
          case EXISTS -> present;
          case NOT_EXISTS -> not(present);
          default -> throw new IllegalStateException("not allowed: " + t.op());
        };
      }
      default -> throw new IllegalStateException("unhandled custom field type " + type);
    };
  }

  private static Condition customNumber(
      Term t, String key, CustomFieldType type, Field<String> raw, Condition present) {
    t.allow(NUMBER_OPS);
    List<BigDecimal> v =
        t.values(false).stream()
            .map(
                s ->
                    type == CustomFieldType.NUMBER
                        ? BigDecimal.valueOf(FilterValues.wholeNumber(t.valuesPath(), s))
                        : FilterValues.decimal(t.valuesPath(), s))
            .toList();
    t.requireOrdered(v, Comparator.naturalOrder());
    if (isEquality(t.op())) {
      return equality(
          t.op(), key, v.stream().map(FilterValues::canonicalDecimal).toList(), present);
    }
    // Cast only what looks like a number, so one malformed stored value cannot fail the query.
    Field<BigDecimal> number =
        when(raw.likeRegex(inline(NUMBER_PATTERN)), raw.cast(SQLDataType.NUMERIC));
    return compare(t.op(), number, v, true, present);
  }

  private static Condition customDate(Term t, String key, Field<String> raw, Condition present) {
    t.allow(
        FilterOp.EQ,
        FilterOp.NEQ,
        FilterOp.BEFORE,
        FilterOp.AFTER,
        FilterOp.BETWEEN,
        FilterOp.GT,
        FilterOp.GTE,
        FilterOp.LT,
        FilterOp.LTE,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<String> v =
        t.values(false).stream().map(s -> FilterValues.date(t.valuesPath(), s, t.now())).toList();
    t.requireOrdered(v, Comparator.naturalOrder());
    if (isEquality(t.op())) {
      return equality(t.op(), key, v, present);
    }
    return compare(t.op(), canonicalText(raw, DATE_PATTERN), v, true, present);
  }

  private static Condition customDateTime(Term t, Field<String> raw, Condition present) {
    t.allow(
        FilterOp.BEFORE,
        FilterOp.AFTER,
        FilterOp.BETWEEN,
        FilterOp.GT,
        FilterOp.GTE,
        FilterOp.LT,
        FilterOp.LTE,
        FilterOp.EXISTS,
        FilterOp.NOT_EXISTS);
    List<String> v =
        t.values(false).stream()
            .map(
                s ->
                    FilterValues.canonicalDateTime(
                        FilterValues.instant(t.valuesPath(), s, t.now())))
            .toList();
    t.requireOrdered(v, Comparator.naturalOrder());
    return compare(t.op(), canonicalText(raw, DATE_TIME_PATTERN), v, true, present);
  }

  /**
   * Canonical dates and date-times order as their text does, byte by byte ({@code COLLATE "C"});
   * stored values of another shape compare as missing.
   */
  private static Field<String> canonicalText(Field<String> raw, String pattern) {
    return when(raw.likeRegex(inline(pattern)), raw).collate("C");
  }

  private static List<String> options(Term t, List<String> values, List<String> options) {
    for (String value : values) {
      if (!options.contains(value)) {
        throw new InvalidQuery(
            t.valuesPath(), "'" + value + "' is not an option: " + String.join(", ", options));
      }
    }
    return values;
  }

  private static boolean isEquality(FilterOp op) {
    return switch (op) {
      case EQ, NEQ, IN, NOT_IN, EXISTS, NOT_EXISTS -> true;
      default -> false;
    };
  }

  /**
   * Equality on a custom field as JSONB containment, which the GIN index on custom_fields answers.
   */
  private static Condition equality(
      FilterOp op, String key, List<String> canonical, Condition present) {
    return switch (op) {
      case EQ -> has(key, canonical.getFirst());
      case NEQ -> not(has(key, canonical.getFirst()));
      case IN -> DSL.or(canonical.stream().map(v -> has(key, v)).toList());
      case NOT_IN -> not(DSL.or(canonical.stream().map(v -> has(key, v)).toList()));
      case EXISTS -> present;
      case NOT_EXISTS -> not(present);
      default -> throw new IllegalStateException("not an equality: " + op);
    };
  }

  /** {@code custom_fields @> {"key": "value"}}, the pair bound as one jsonb value. */
  private static Condition has(String key, String value) {
    try {
      return CONTACT.CUSTOM_FIELDS.contains(
          JSONB.valueOf(JSON.writeValueAsString(Map.of(key, value))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- shared semantics ---------------------------------------------------------------------

  /** The one place that says what the comparison operators mean for a value that may be absent. */
  private static <T> Condition compare(
      FilterOp op, Field<T> x, List<T> v, boolean nullable, Condition present) {
    return switch (op) {
      case EQ -> x.eq(v.getFirst());
      case NEQ -> nullable ? x.isNull().or(x.ne(v.getFirst())) : x.ne(v.getFirst());
      case IN -> x.in(v);
      case NOT_IN -> nullable ? x.isNull().or(x.notIn(v)) : x.notIn(v);
      case GT, AFTER -> x.gt(v.getFirst());
      case GTE -> x.ge(v.getFirst());
      case LT, BEFORE -> x.lt(v.getFirst());
      case LTE -> x.le(v.getFirst());
      case BETWEEN -> x.between(v.get(0), v.get(1));
      case EXISTS -> present;
      case NOT_EXISTS -> not(present);
      case CONTAINS, STARTS_WITH -> throw new IllegalStateException("not a comparison: " + op);
    };
  }

  /** A value exists when it is neither null nor empty; never null itself, so it can be negated. */
  private static Condition present(Field<String> x) {
    return x.isNotNull().and(x.ne(""));
  }

  private static boolean nullable(Field<?> x) {
    return x.getDataType().nullable();
  }

  /** One filter being compiled: where it sits in the request, its operator and raw values. */
  private record Term(String path, String field, FilterOp op, List<String> given, Instant now) {
    Term withOp(FilterOp other) {
      return new Term(path, field, other, given, now);
    }

    String valuesPath() {
      return path + ".values";
    }

    void allow(FilterOp... ops) {
      if (!Arrays.asList(ops).contains(op)) {
        throw new InvalidQuery(
            path + ".op",
            "'"
                + op.json()
                + "' does not apply to "
                + field
                + "; use one of "
                + Arrays.stream(ops).map(FilterOp::json).collect(Collectors.joining(", ")));
      }
    }

    /**
     * The values, checked against what the operator takes; {@code set} says that {@code contains}
     * takes several values (a tag list has all of them).
     */
    List<String> values(boolean set) {
      int n = given.size();
      switch (op) {
        case EXISTS, NOT_EXISTS -> {
          if (n != 0) {
            throw new InvalidQuery(valuesPath(), op.json() + " takes no value");
          }
        }
        case BETWEEN -> {
          if (n != 2) {
            throw new InvalidQuery(valuesPath(), "between takes two values, from and to");
          }
        }
        case IN, NOT_IN -> {
          if (n == 0) {
            throw new InvalidQuery(valuesPath(), op.json() + " takes at least one value");
          }
        }
        default -> {
          if (set && op == FilterOp.CONTAINS ? n == 0 : n != 1) {
            throw new InvalidQuery(
                valuesPath(),
                op.json() + (set ? " takes at least one value" : " takes exactly one value"));
          }
        }
      }
      for (String value : given) {
        if (value == null || value.isBlank()) {
          throw new InvalidQuery(valuesPath(), "values must not be empty");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
          throw new InvalidQuery(
              valuesPath(), "values must be at most " + MAX_VALUE_LENGTH + " characters");
        }
      }
      return given;
    }

    /** between's bounds must come in order: from, then to. */
    <T> void requireOrdered(List<T> values, Comparator<? super T> order) {
      if (op == FilterOp.BETWEEN && order.compare(values.get(0), values.get(1)) > 0) {
        throw new InvalidQuery(valuesPath(), "between's first value must not be after its second");
      }
    }
  }
}
