package dev.crm.domain.customfield;

import static dev.crm.domain.shared.Rejections.invalidField;
import static dev.crm.domain.shared.Rejections.notFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crm.domain.customfield.CustomFieldCommands.ChangeCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.DefineCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.RemoveCustomField;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldChanged;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldDefined;
import dev.crm.domain.customfield.CustomFieldEvent.CustomFieldRemoved;
import dev.crm.domain.shared.InvalidField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CustomFieldSchemaTest {
  private static final String TENANT = "tenant-a";
  private static final String OTHER_TENANT = "tenant-b";
  private static final String ID = CustomFieldSchema.idOf(TENANT);
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
  private static final List<String> PLANS = List.of("free", "pro", "enterprise");

  private FixtureConfiguration<CustomFieldSchema> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(CustomFieldSchema.class);
  }

  // --- define ---------------------------------------------------------------------------------

  @Test
  void firstDefinitionCreatesTheTenantsSchema() {
    fixture
        .givenNoPriorActivity()
        .when(define("plan", CustomFieldType.DROPDOWN, List.of(" free", "pro ", "enterprise")))
        .expectEvents(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .expectResultMessagePayload(0L);
  }

  @Test
  void furtherDefinitionsJoinTheSameSchema() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(
            new DefineCustomField(
                ID, TENANT, "budget", " Budget ", CustomFieldType.CURRENCY, true, null, "EUR", AT))
        .expectEvents(
            new CustomFieldDefined(
                ID,
                TENANT,
                "contact",
                "budget",
                "Budget",
                CustomFieldType.CURRENCY,
                true,
                List.of(),
                "EUR",
                AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void aKeyIsDefinedOnce() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(define("plan", CustomFieldType.TEXT, null))
        .expectException(DuplicateCustomField.class)
        .expectNoEvents();
  }

  @Test
  void keyFollowsTheCustomFieldKeyRule() {
    fixture
        .givenNoPriorActivity()
        .when(define("1st choice", CustomFieldType.TEXT, null))
        .expectException(invalidField("key"))
        .expectNoEvents();
  }

  @Test
  void labelIsOneToAHundredCharacters() {
    fixture
        .givenNoPriorActivity()
        .when(defineLabelled("   "))
        .expectException(invalidField("label"))
        .expectNoEvents();
    fixture
        .givenNoPriorActivity()
        .when(defineLabelled("x".repeat(101)))
        .expectException(invalidField("label"))
        .expectNoEvents();
  }

  @Test
  void typeIsRequired() {
    fixture
        .givenNoPriorActivity()
        .when(define("plan", null, null))
        .expectException(invalidField("type"))
        .expectNoEvents();
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of(CustomFieldType.DROPDOWN, null),
        Arguments.of(CustomFieldType.MULTI_SELECT, List.of()),
        Arguments.of(CustomFieldType.DROPDOWN, List.of("a", " a ")),
        Arguments.of(CustomFieldType.DROPDOWN, List.of("a", " ")),
        Arguments.of(CustomFieldType.MULTI_SELECT, List.of("a;b")),
        Arguments.of(CustomFieldType.DROPDOWN, List.of("x".repeat(101))),
        Arguments.of(
            CustomFieldType.DROPDOWN, IntStream.range(0, 201).mapToObj(i -> "o" + i).toList()),
        Arguments.of(CustomFieldType.TEXT, List.of("a")));
  }

  @ParameterizedTest
  @MethodSource("badOptions")
  void choiceFieldsNeedOneToTwoHundredDistinctOptionsAndOthersTakeNone(
      CustomFieldType type, List<String> options) {
    fixture
        .givenNoPriorActivity()
        .when(define("pick", type, options))
        .expectException(invalidField("options"))
        .expectNoEvents();
  }

  @Test
  void twoHundredOptionsAreAccepted() {
    List<String> options = IntStream.range(0, 200).mapToObj(i -> "o" + i).toList();
    fixture
        .givenNoPriorActivity()
        .when(define("pick", CustomFieldType.MULTI_SELECT, options))
        .expectEvents(defined("pick", CustomFieldType.MULTI_SELECT, options));
  }

  @Test
  void currencyFieldsNeedAnIsoCodeAndOthersTakeNone() {
    for (String code : new String[] {null, "eur", "EURO", "E1R"}) {
      fixture
          .givenNoPriorActivity()
          .when(
              new DefineCustomField(
                  ID, TENANT, "budget", "Budget", CustomFieldType.CURRENCY, false, null, code, AT))
          .expectException(invalidField("currency"))
          .expectNoEvents();
    }
    fixture
        .givenNoPriorActivity()
        .when(
            new DefineCustomField(
                ID, TENANT, "seats", "Seats", CustomFieldType.NUMBER, false, null, "EUR", AT))
        .expectException(invalidField("currency"))
        .expectNoEvents();
  }

  @Test
  void aTenantDefinesAtMostTwoHundredFields() {
    List<Object> twoHundred = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      twoHundred.add(defined("f" + i, CustomFieldType.TEXT, List.of()));
    }
    fixture
        .given(twoHundred)
        .when(define("one_more", CustomFieldType.TEXT, null))
        .expectException(invalidField("key"))
        .expectNoEvents();
  }

  @Test
  void removedFieldsDoNotCountTowardsTheLimit() {
    List<Object> history = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      history.add(defined("f" + i, CustomFieldType.TEXT, List.of()));
    }
    history.add(removed("f0"));
    fixture
        .given(history)
        .when(define("one_more", CustomFieldType.TEXT, null))
        .expectEvents(defined("one_more", CustomFieldType.TEXT, List.of()));
  }

  @Test
  void cannotDefineInAnotherTenantsSchema() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(
            new DefineCustomField(
                ID, OTHER_TENANT, "x", "X", CustomFieldType.TEXT, false, null, null, AT))
        .expectException(notFound(CustomFieldSchema.TYPE, ID))
        .expectNoEvents();
  }

  // --- change ---------------------------------------------------------------------------------

  @Test
  void canChangeLabelRequiredAndOptions() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, TENANT, "plan", "Price plan", true, List.of("free"), AT))
        .expectEvents(
            new CustomFieldChanged(
                ID, TENANT, "contact", "plan", "Price plan", true, List.of("free"), AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void changeKeepsWhatItDoesNotName() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, TENANT, "plan", null, true, null, AT))
        .expectEvents(
            new CustomFieldChanged(ID, TENANT, "contact", "plan", "plan", true, PLANS, AT));
  }

  @Test
  void changeToTheCurrentValuesEmitsNothing() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, TENANT, "plan", "plan", false, PLANS, AT))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void changedOptionsFollowTheSameRules() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, TENANT, "plan", null, null, List.of(), AT))
        .expectException(invalidField("options"))
        .expectNoEvents();
  }

  @Test
  void optionsCannotBeGivenToAFieldWhoseTypeTakesNone() {
    fixture
        .given(defined("note", CustomFieldType.TEXT, List.of()))
        .when(new ChangeCustomField(ID, TENANT, "note", null, null, List.of("a"), AT))
        .expectException(invalidField("options"))
        .expectNoEvents();
  }

  @Test
  void typeNeverChangesWithAChange() {
    fixture
        .given(defined("seats", CustomFieldType.NUMBER, List.of()))
        .when(new ChangeCustomField(ID, TENANT, "seats", "Licensed seats", null, null, AT))
        .expectEvents(
            new CustomFieldChanged(
                ID, TENANT, "contact", "seats", "Licensed seats", false, List.of(), AT));
    CustomFieldRules rules =
        CustomFieldRules.replay(
            List.of(
                defined("seats", CustomFieldType.NUMBER, List.of()),
                new CustomFieldChanged(
                    ID, TENANT, "contact", "seats", "Licensed seats", false, List.of(), AT)));
    assertThat(rules.definition("seats").orElseThrow().type()).isEqualTo(CustomFieldType.NUMBER);
  }

  @Test
  void cannotChangeAnUndefinedField() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, TENANT, "nope", "x", null, null, AT))
        .expectException(notFound(CustomFieldSchema.FIELD, "nope"))
        .expectNoEvents();
  }

  @Test
  void anotherTenantCannotChangeTheSchema() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new ChangeCustomField(ID, OTHER_TENANT, "plan", "x", null, null, AT))
        .expectException(notFound(CustomFieldSchema.TYPE, ID))
        .expectNoEvents();
  }

  // --- remove and define again ----------------------------------------------------------------

  @Test
  void canRemoveAField() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS))
        .when(new RemoveCustomField(ID, TENANT, "plan", AT))
        .expectEvents(removed("plan"))
        .expectResultMessagePayload(1L);
  }

  @Test
  void cannotRemoveAFieldTwice() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS), removed("plan"))
        .when(new RemoveCustomField(ID, TENANT, "plan", AT))
        .expectException(notFound(CustomFieldSchema.FIELD, "plan"))
        .expectNoEvents();
  }

  @Test
  void aRemovedKeyCanBeDefinedAgainWithTheSameType() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS), removed("plan"))
        .when(define("plan", CustomFieldType.DROPDOWN, List.of("basic")))
        .expectEvents(defined("plan", CustomFieldType.DROPDOWN, List.of("basic")));
  }

  @Test
  void aRemovedKeyCannotComeBackWithAnotherType() {
    fixture
        .given(defined("plan", CustomFieldType.DROPDOWN, PLANS), removed("plan"))
        .when(define("plan", CustomFieldType.NUMBER, null))
        .expectException(invalidField("type"))
        .expectExceptionMessage(Matchers.predicate(m -> ((String) m).contains("dropdown")))
        .expectNoEvents();
  }

  @Test
  void theTypeRuleOfARemovedKeyHoldsAfterItIsDefinedAndRemovedAgain() {
    fixture
        .given(
            defined("plan", CustomFieldType.DROPDOWN, PLANS),
            removed("plan"),
            defined("plan", CustomFieldType.DROPDOWN, PLANS),
            removed("plan"))
        .when(define("plan", CustomFieldType.TEXT, null))
        .expectException(invalidField("type"))
        .expectNoEvents();
  }

  @Test
  void removedFieldsLeaveTheRules() {
    CustomFieldRules rules =
        CustomFieldRules.replay(
            List.of(defined("plan", CustomFieldType.DROPDOWN, PLANS), removed("plan")));

    assertThat(rules.definitions()).isEmpty();
    assertThatThrownBy(() -> rules.canonical(Map.of("plan", "pro")))
        .isInstanceOfSatisfying(
            InvalidField.class,
            e -> {
              assertThat(e.field()).isEqualTo("customFields.plan");
              assertThat(e.reason()).contains("unknown custom field");
            });
  }

  // --- values ---------------------------------------------------------------------------------

  static Stream<Arguments> validValues() {
    return Stream.of(
        Arguments.of(CustomFieldType.TEXT, "  Countess  ", "Countess"),
        Arguments.of(CustomFieldType.TEXT, "x".repeat(255), "x".repeat(255)),
        Arguments.of(CustomFieldType.TEXTAREA, " line 1\nline 2 ", "line 1\nline 2"),
        Arguments.of(CustomFieldType.TEXTAREA, "y".repeat(10_000), "y".repeat(10_000)),
        Arguments.of(CustomFieldType.NUMBER, " 42 ", "42"),
        Arguments.of(CustomFieldType.NUMBER, "+007", "7"),
        Arguments.of(CustomFieldType.NUMBER, "-12", "-12"),
        Arguments.of(CustomFieldType.NUMBER, "9223372036854775807", "9223372036854775807"),
        Arguments.of(CustomFieldType.DECIMAL, "12.500", "12.5"),
        Arguments.of(CustomFieldType.DECIMAL, "1E+3", "1000"),
        Arguments.of(CustomFieldType.DECIMAL, "-0.00", "0"),
        Arguments.of(CustomFieldType.DECIMAL, "0.0001", "0.0001"),
        Arguments.of(CustomFieldType.DECIMAL, "1".repeat(38), "1".repeat(38)),
        Arguments.of(CustomFieldType.CURRENCY, "1999.90", "1999.9"),
        Arguments.of(CustomFieldType.DATE, "2026-01-02", "2026-01-02"),
        Arguments.of(CustomFieldType.DATETIME, "2026-01-02T03:04:05+02:00", "2026-01-02T01:04:05Z"),
        Arguments.of(CustomFieldType.DATETIME, "2026-01-02T03:04:05.999Z", "2026-01-02T03:04:05Z"),
        Arguments.of(CustomFieldType.DATETIME, "2026-01-02T03:04Z", "2026-01-02T03:04:00Z"),
        Arguments.of(CustomFieldType.BOOLEAN, "TRUE", "true"),
        Arguments.of(CustomFieldType.BOOLEAN, " False ", "false"),
        Arguments.of(CustomFieldType.DROPDOWN, " pro ", "pro"),
        Arguments.of(CustomFieldType.MULTI_SELECT, "enterprise; free;;free", "free;enterprise"),
        Arguments.of(
            CustomFieldType.URL, " https://example.com/a?b=c ", "https://example.com/a?b=c"),
        Arguments.of(CustomFieldType.URL, "HTTP://Example.com", "HTTP://Example.com"),
        Arguments.of(CustomFieldType.EMAIL, " Ada@Example.com ", "Ada@Example.com"),
        Arguments.of(
            CustomFieldType.PHONE, " +44 20 7946 0000 ext. 12 ", "+44 20 7946 0000 ext. 12"));
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @MethodSource("validValues")
  void everyTypeStoresItsCanonicalForm(CustomFieldType type, String given, String canonical) {
    assertThat(rulesWith(type).canonical(Map.of("f", given)))
        .containsExactly(Map.entry("f", canonical));
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of(CustomFieldType.TEXT, "x".repeat(256)),
        Arguments.of(CustomFieldType.TEXTAREA, "y".repeat(10_001)),
        Arguments.of(CustomFieldType.NUMBER, "4.2"),
        Arguments.of(CustomFieldType.NUMBER, "9223372036854775808"),
        Arguments.of(CustomFieldType.NUMBER, "forty"),
        Arguments.of(CustomFieldType.DECIMAL, "12,5"),
        Arguments.of(CustomFieldType.DECIMAL, "NaN"),
        Arguments.of(CustomFieldType.DECIMAL, "1".repeat(39)),
        Arguments.of(CustomFieldType.DECIMAL, "1e38"),
        Arguments.of(CustomFieldType.DECIMAL, "1e999999999"),
        Arguments.of(CustomFieldType.DECIMAL, "0." + "0".repeat(37) + "1"),
        Arguments.of(CustomFieldType.CURRENCY, "EUR 12"),
        Arguments.of(CustomFieldType.DATE, "02.01.2026"),
        Arguments.of(CustomFieldType.DATE, "2026-02-30"),
        Arguments.of(CustomFieldType.DATE, "+10000-01-01"),
        Arguments.of(CustomFieldType.DATETIME, "2026-01-02T03:04:05"),
        Arguments.of(CustomFieldType.DATETIME, "2026-01-02"),
        Arguments.of(CustomFieldType.BOOLEAN, "yes"),
        Arguments.of(CustomFieldType.DROPDOWN, "Pro"),
        Arguments.of(CustomFieldType.DROPDOWN, "free;pro"),
        Arguments.of(CustomFieldType.MULTI_SELECT, "free;platinum"),
        Arguments.of(CustomFieldType.URL, "ftp://example.com"),
        Arguments.of(CustomFieldType.URL, "example.com/page"),
        Arguments.of(CustomFieldType.URL, "https://"),
        Arguments.of(CustomFieldType.EMAIL, "not-an-email"),
        Arguments.of(CustomFieldType.PHONE, "1".repeat(41)));
  }

  @ParameterizedTest(name = "{0} refuses {1}")
  @MethodSource("invalidValues")
  void everyTypeRefusesValuesItCannotHold(CustomFieldType type, String given) {
    CustomFieldRules rules = rulesWith(type);

    assertThatThrownBy(() -> rules.canonical(Map.of("f", given)))
        .isInstanceOfSatisfying(
            InvalidField.class, e -> assertThat(e.field()).isEqualTo("customFields.f"));
  }

  @Test
  void blankValuesMeanNoValue() {
    Map<String, String> values = new HashMap<>();
    values.put("f", "   ");
    values.put("g", null);
    CustomFieldRules rules =
        CustomFieldRules.replay(
            List.of(
                defined("f", CustomFieldType.NUMBER, List.of()),
                defined("g", CustomFieldType.MULTI_SELECT, PLANS)));

    assertThat(rules.canonical(values)).isEmpty();
    assertThat(rules.canonical(Map.of("g", " ; ;"))).isEmpty();
  }

  @Test
  void requiredFieldsMustHaveAValue() {
    CustomFieldRules rules =
        CustomFieldRules.replay(
            List.of(
                new CustomFieldDefined(
                    ID,
                    TENANT,
                    "contact",
                    "region",
                    "Region",
                    CustomFieldType.TEXT,
                    true,
                    List.of(),
                    null,
                    AT)));

    assertThat(rules.canonical(Map.of("region", " EMEA "))).containsEntry("region", "EMEA");
    for (Map<String, String> without : List.of(Map.<String, String>of(), Map.of("region", " "))) {
      assertThatThrownBy(() -> rules.canonical(without))
          .isInstanceOfSatisfying(
              InvalidField.class,
              e -> {
                assertThat(e.field()).isEqualTo("customFields.region");
                assertThat(e.reason()).isEqualTo("is required");
              });
    }
  }

  @Test
  void undefinedKeysAreRefusedByName() {
    assertThatThrownBy(() -> rulesWith(CustomFieldType.TEXT).canonical(Map.of("shoeSize", "42")))
        .isInstanceOfSatisfying(
            InvalidField.class, e -> assertThat(e.field()).isEqualTo("customFields.shoeSize"));
    assertThatThrownBy(() -> CustomFieldRules.NONE.canonical(Map.of("f", "x")))
        .isInstanceOf(InvalidField.class);
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The rules a schema gives after defining one field {@code f} of the type. */
  private static CustomFieldRules rulesWith(CustomFieldType type) {
    return CustomFieldRules.replay(
        List.of(
            new CustomFieldDefined(
                ID,
                TENANT,
                "contact",
                "f",
                "F",
                type,
                false,
                type.takesOptions() ? PLANS : List.of(),
                type == CustomFieldType.CURRENCY ? "EUR" : null,
                AT)));
  }

  private static DefineCustomField define(String key, CustomFieldType type, List<String> options) {
    return new DefineCustomField(ID, TENANT, key, key, type, false, options, null, AT);
  }

  private static DefineCustomField defineLabelled(String label) {
    return new DefineCustomField(
        ID, TENANT, "plan", label, CustomFieldType.TEXT, false, null, null, AT);
  }

  private static CustomFieldDefined defined(
      String key, CustomFieldType type, List<String> options) {
    return new CustomFieldDefined(ID, TENANT, "contact", key, key, type, false, options, null, AT);
  }

  private static CustomFieldRemoved removed(String key) {
    return new CustomFieldRemoved(ID, TENANT, "contact", key, AT);
  }
}
