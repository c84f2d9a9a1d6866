package dev.crm.domain.contact;

import static dev.crm.domain.shared.Rejections.archived;
import static dev.crm.domain.shared.Rejections.invalidField;
import static dev.crm.domain.shared.Rejections.notFound;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.domain.contact.ContactCommands.AddContactTags;
import dev.crm.domain.contact.ContactCommands.ArchiveContact;
import dev.crm.domain.contact.ContactCommands.ChangeLifecycleStage;
import dev.crm.domain.contact.ContactCommands.CreateContact;
import dev.crm.domain.contact.ContactCommands.LinkContactToCompany;
import dev.crm.domain.contact.ContactCommands.LogActivity;
import dev.crm.domain.contact.ContactCommands.RemoveContactTags;
import dev.crm.domain.contact.ContactCommands.RestoreContact;
import dev.crm.domain.contact.ContactCommands.UnlinkContactFromCompany;
import dev.crm.domain.contact.ContactCommands.UpdateContactDetails;
import dev.crm.domain.contact.ContactEvent.ActivityLogged;
import dev.crm.domain.contact.ContactEvent.ContactArchived;
import dev.crm.domain.contact.ContactEvent.ContactCreated;
import dev.crm.domain.contact.ContactEvent.ContactDetailsUpdated;
import dev.crm.domain.contact.ContactEvent.ContactLinkedToCompany;
import dev.crm.domain.contact.ContactEvent.ContactRestored;
import dev.crm.domain.contact.ContactEvent.ContactTagsAdded;
import dev.crm.domain.contact.ContactEvent.ContactTagsRemoved;
import dev.crm.domain.contact.ContactEvent.ContactUnlinkedFromCompany;
import dev.crm.domain.contact.ContactEvent.LifecycleStageChanged;
import dev.crm.domain.customfield.CustomFieldDefinition;
import dev.crm.domain.customfield.CustomFieldType;
import dev.crm.domain.shared.AggregateArchived;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.Fields;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContactTest {
  private static final String TENANT = "tenant-a";
  private static final String OTHER_TENANT = "tenant-b";
  private static final String ID = "contact-1";
  private static final String EMAIL = "ada@example.com";

  /** A company of {@link #OTHER_TENANT}: it exists, but not for {@link #TENANT}. */
  private static final String FOREIGN_COMPANY = "company-b";

  private static final Instant CREATED_AT = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant AT = Instant.parse("2025-03-02T10:00:00Z");

  private static final String ACTIVITY = "activity-1";
  private static final String ACTOR = "key-1";
  private static final Instant OCCURRED_AT = Instant.parse("2025-02-27T15:30:00Z");

  private FixtureConfiguration<Contact> fixture;
  private InMemoryPrimaryEmails primaryEmails;
  private InMemoryCustomFieldSchemas customFields;

  @BeforeEach
  void setUp() {
    primaryEmails = new InMemoryPrimaryEmails();
    var companies =
        new InMemoryCompanies()
            .add(TENANT, "company-1")
            .add(TENANT, "company-2")
            .add(OTHER_TENANT, FOREIGN_COMPANY);
    fixture = new AggregateTestFixture<>(Contact.class);
    fixture.registerInjectableResource(primaryEmails);
    fixture.registerInjectableResource(companies);
    customFields =
        new InMemoryCustomFieldSchemas()
            .define(TENANT, text("favouriteLanguage"))
            .define(TENANT, text("title"))
            .define(TENANT, field("born", CustomFieldType.NUMBER, false));
    fixture.registerInjectableResource(customFields);
  }

  // --- create ---------------------------------------------------------------------------------

  @Test
  void canCreateContactWithOnlyAnEmailAndGetsDefaults() {
    fixture
        .givenNoPriorActivity()
        .when(create(ID, TENANT, "Ada@Example.COM"))
        .expectEvents(created());

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo(ID);
  }

  @Test
  void canCreateContactWithAllDetails() {
    var optIns = new OptIns(true, false, true);
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateContact(
                ID,
                TENANT,
                "Ada",
                "Lovelace",
                EMAIL,
                List.of("Ada@Work.example", "ada@work.example"),
                List.of("+44 20 7946 0000"),
                "company-1",
                "owner-1",
                LifecycleStage.LEAD,
                120,
                Set.of("vip", "newsletter"),
                optIns,
                Map.of("favouriteLanguage", "Analytical Engine"),
                CREATED_AT))
        .expectEvents(
            new ContactCreated(
                ID,
                TENANT,
                "Ada",
                "Lovelace",
                EMAIL,
                List.of("ada@work.example"),
                List.of("+44 20 7946 0000"),
                "company-1",
                "owner-1",
                LifecycleStage.LEAD,
                120,
                Set.of("vip", "newsletter"),
                optIns,
                Map.of("favouriteLanguage", "Analytical Engine"),
                CREATED_AT));
  }

  @Test
  void cannotCreateContactWithoutEmail() {
    fixture
        .givenNoPriorActivity()
        .when(create(ID, TENANT, " "))
        .expectException(invalidField("email"))
        .expectExceptionMessage("email: is required")
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithInvalidEmail() {
    fixture
        .givenNoPriorActivity()
        .when(create(ID, TENANT, "ada.example.com"))
        .expectException(invalidField("email"))
        .expectExceptionMessage("email: is not a valid email address")
        .expectNoEvents();

    assertThat(primaryEmails.holderOf(TENANT, "ada.example.com")).isNull();
  }

  @Test
  void cannotCreateContactWithInvalidOtherEmail() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(List.of("ok@example.com", "not an email"), null, null, null))
        .expectException(invalidField("emails"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithMissingOtherEmail() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(Arrays.asList("ok@example.com", null), null, null, null))
        .expectException(invalidField("emails"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithBlankPhone() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(null, List.of("+1 555 0100", "  "), null, null))
        .expectException(invalidField("phones"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithPhoneLongerThanFortyCharacters() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(null, List.of("1".repeat(41)), null, null))
        .expectException(invalidField("phones"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithNameLongerThanTwoHundredCharacters() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateContact(
                ID,
                TENANT,
                "A".repeat(201),
                null,
                EMAIL,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                CREATED_AT))
        .expectException(invalidField("firstName"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithNegativeLeadScore() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(null, null, -1, null))
        .expectException(invalidField("leadScore"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithLeadScoreAboveOneThousand() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(null, null, 1001, null))
        .expectException(invalidField("leadScore"))
        .expectExceptionMessage("leadScore: must be between 0 and 1000")
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithTooManyTags() {
    fixture
        .givenNoPriorActivity()
        .when(createWith(null, null, null, tags(Fields.MAX_TAGS + 1)))
        .expectException(invalidField("tags"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithUndefinedCustomField() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateContact(
                ID,
                TENANT,
                null,
                null,
                EMAIL,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of("1st choice", "x"),
                CREATED_AT))
        .expectException(invalidField("customFields.1st choice"))
        .expectNoEvents();
  }

  @Test
  void customValuesAreStoredInCanonicalFormAndBlankOnesAreLeftOut() {
    fixture
        .givenNoPriorActivity()
        .when(createWithCustomFields(TENANT, Map.of("born", " +01815 ", "title", "  ")))
        .expectEvents(createdWithCustomFields(Map.of("born", "1815")));
  }

  @Test
  void cannotCreateContactWithAValueTheFieldTypeRefuses() {
    fixture
        .givenNoPriorActivity()
        .when(createWithCustomFields(TENANT, Map.of("born", "eighteen fifteen")))
        .expectException(invalidField("customFields.born"))
        .expectNoEvents();
  }

  @Test
  void cannotUseAnotherTenantsCustomField() {
    fixture
        .givenNoPriorActivity()
        .when(createWithCustomFields(OTHER_TENANT, Map.of("title", "Countess")))
        .expectException(invalidField("customFields.title"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactWithoutARequiredCustomField() {
    customFields.define(TENANT, field("region", CustomFieldType.TEXT, true));

    fixture
        .givenNoPriorActivity()
        .when(createWithCustomFields(TENANT, Map.of("title", "Countess")))
        .expectException(invalidField("customFields.region"))
        .expectNoEvents();
  }

  @Test
  void updateThatLeavesCustomFieldsAloneNeedsNoRequiredField() {
    customFields.define(TENANT, field("region", CustomFieldType.TEXT, true));

    fixture
        .given(created())
        .when(update(new Details().firstName("Ada")))
        .expectSuccessfulHandlerExecution()
        .expectResultMessagePayload(1L);
  }

  @Test
  void updateThatReplacesCustomFieldsMustKeepRequiredOnes() {
    customFields.define(TENANT, field("region", CustomFieldType.TEXT, true));

    fixture
        .given(created())
        .when(update(new Details().customFields(Map.of("title", "Countess"))))
        .expectException(invalidField("customFields.region"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateContactForUnknownCompany() {
    fixture
        .givenNoPriorActivity()
        .when(createForCompany("company-404"))
        .expectException(invalidField("companyId"))
        .expectExceptionMessage("companyId: is not a company of this tenant")
        .expectNoEvents();

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isNull();
  }

  @Test
  void cannotCreateContactForAnotherTenantsCompany() {
    fixture
        .givenNoPriorActivity()
        .when(createForCompany(FOREIGN_COMPANY))
        .expectException(invalidField("companyId"))
        .expectExceptionMessage("companyId: is not a company of this tenant")
        .expectNoEvents();

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isNull();
  }

  @Test
  void cannotCreateContactWithPrimaryEmailTakenInSameTenant() {
    primaryEmails.claim(TENANT, EMAIL, "contact-0");

    fixture
        .givenNoPriorActivity()
        .when(create(ID, TENANT, "ADA@example.com"))
        .expectException(DuplicatePrimaryEmail.class)
        .expectExceptionMessage("another contact already has the primary email " + EMAIL)
        .expectNoEvents();

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo("contact-0");
  }

  @Test
  void canCreateContactWithPrimaryEmailTakenInAnotherTenant() {
    primaryEmails.claim(OTHER_TENANT, EMAIL, "contact-0");

    fixture.givenNoPriorActivity().when(create(ID, TENANT, EMAIL)).expectEvents(created());

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo(ID);
    assertThat(primaryEmails.holderOf(OTHER_TENANT, EMAIL)).isEqualTo("contact-0");
  }

  // --- update details -------------------------------------------------------------------------

  @Test
  void canRenameContactAndTheEventCarriesOnlyTheChange() {
    fixture
        .given(created())
        .when(update(new Details().firstName("Augusta").email(EMAIL)))
        .expectEvents(
            new ContactDetailsUpdated(
                ID, TENANT, "Augusta", null, null, null, null, null, null, null, null, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void canUpdateEveryDetailAtOnce() {
    var optIns = new OptIns(true, true, false);
    fixture
        .given(created())
        .when(
            new UpdateContactDetails(
                ID,
                TENANT,
                null,
                "Ada",
                "King",
                null,
                List.of("ada@work.example"),
                List.of("+44 20 7946 0000"),
                "owner-2",
                500,
                optIns,
                Map.of("title", "Countess"),
                AT))
        .expectEvents(
            new ContactDetailsUpdated(
                ID,
                TENANT,
                "Ada",
                "King",
                null,
                List.of("ada@work.example"),
                List.of("+44 20 7946 0000"),
                "owner-2",
                500,
                optIns,
                Map.of("title", "Countess"),
                AT));
  }

  @Test
  void customFieldsGivenInAnUpdateReplaceTheWholeMap() {
    fixture
        .given(
            created(),
            new ContactDetailsUpdated(
                ID,
                TENANT,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of("title", "Countess", "born", "1815"),
                AT))
        .when(update(new Details().customFields(Map.of("title", "Countess"))))
        .expectEvents(
            new ContactDetailsUpdated(
                ID,
                TENANT,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of("title", "Countess"),
                AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void updatingContactWithItsCurrentValuesEmitsNothing() {
    fixture
        .given(created())
        .when(
            update(
                new Details()
                    .email("ADA@example.com")
                    .leadScore(0)
                    .optIns(OptIns.NONE)
                    .customFields(Map.of())))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void canChangePrimaryEmailAndTheOldOneIsReleased() {
    primaryEmails.claim(TENANT, EMAIL, ID);

    fixture
        .given(created())
        .when(update(new Details().email("Countess@Example.com")))
        .expectEvents(
            new ContactDetailsUpdated(
                ID,
                TENANT,
                null,
                null,
                "countess@example.com",
                null,
                null,
                null,
                null,
                null,
                null,
                AT));

    assertThat(primaryEmails.holderOf(TENANT, "countess@example.com")).isEqualTo(ID);
    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isNull();
    // ... so another contact may now take it.
    primaryEmails.claim(TENANT, EMAIL, "contact-2");
    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo("contact-2");
  }

  @Test
  void cannotChangePrimaryEmailToOneHeldByAnotherContact() {
    primaryEmails.claim(TENANT, EMAIL, ID);
    primaryEmails.claim(TENANT, "taken@example.com", "contact-2");

    fixture
        .given(created())
        .when(update(new Details().email("taken@example.com")))
        .expectException(DuplicatePrimaryEmail.class)
        .expectNoEvents();

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo(ID);
  }

  @Test
  void cannotChangePrimaryEmailToInvalidOne() {
    fixture
        .given(created())
        .when(update(new Details().email("ada@")))
        .expectException(invalidField("email"))
        .expectNoEvents();
  }

  @Test
  void cannotUpdateContactWithLeadScoreAboveOneThousand() {
    fixture
        .given(created())
        .when(update(new Details().leadScore(1001)))
        .expectException(invalidField("leadScore"))
        .expectNoEvents();
  }

  @Test
  void cannotRenameArchivedContact() {
    fixture
        .given(created(), new ContactArchived(ID, TENANT, AT))
        .when(update(new Details().firstName("Augusta")))
        .expectException(AggregateArchived.class)
        .expectExceptionMessage("contact " + ID + " is archived; restore it before changing it")
        .expectNoEvents();
  }

  // --- lifecycle stage ------------------------------------------------------------------------

  @Test
  void canMoveContactToAnotherLifecycleStage() {
    fixture
        .given(created())
        .when(new ChangeLifecycleStage(ID, TENANT, null, LifecycleStage.MQL, AT))
        .expectEvents(
            new LifecycleStageChanged(
                ID, TENANT, LifecycleStage.SUBSCRIBER, LifecycleStage.MQL, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void movingContactToItsCurrentStageEmitsNothing() {
    fixture
        .given(created())
        .when(new ChangeLifecycleStage(ID, TENANT, null, LifecycleStage.SUBSCRIBER, AT))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void cannotChangeLifecycleStageWithoutAStage() {
    fixture
        .given(created())
        .when(new ChangeLifecycleStage(ID, TENANT, null, null, AT))
        .expectException(invalidField("lifecycleStage"))
        .expectExceptionMessage("lifecycleStage: is required")
        .expectNoEvents();
  }

  // --- tags -----------------------------------------------------------------------------------

  @Test
  void addingTagsRecordsOnlyTheNewOnes() {
    fixture
        .given(created(), new ContactTagsAdded(ID, TENANT, Set.of("vip"), AT))
        .when(new AddContactTags(ID, TENANT, null, Set.of("vip", "newsletter"), AT))
        .expectEvents(new ContactTagsAdded(ID, TENANT, Set.of("newsletter"), AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void addingTagsTheContactAlreadyHasEmitsNothing() {
    fixture
        .given(created(), new ContactTagsAdded(ID, TENANT, Set.of("vip"), AT))
        .when(new AddContactTags(ID, TENANT, null, Set.of("vip"), AT))
        .expectNoEvents()
        .expectResultMessagePayload(1L);
  }

  @Test
  void cannotAddTagsBeyondTheLimit() {
    fixture
        .given(created(), new ContactTagsAdded(ID, TENANT, tags(Fields.MAX_TAGS), AT))
        .when(new AddContactTags(ID, TENANT, null, Set.of("one-too-many"), AT))
        .expectException(invalidField("tags"))
        .expectExceptionMessage("tags: must hold at most " + Fields.MAX_TAGS + " tags")
        .expectNoEvents();
  }

  @Test
  void cannotAddBlankTag() {
    fixture
        .given(created())
        .when(new AddContactTags(ID, TENANT, null, Set.of(" "), AT))
        .expectException(invalidField("tags"))
        .expectNoEvents();
  }

  @Test
  void removingTagsRecordsOnlyThoseTheContactHad() {
    fixture
        .given(created(), new ContactTagsAdded(ID, TENANT, Set.of("vip", "newsletter"), AT))
        .when(new RemoveContactTags(ID, TENANT, null, Set.of("vip", "unknown"), AT))
        .expectEvents(new ContactTagsRemoved(ID, TENANT, Set.of("vip"), AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void removingTagsTheContactDoesNotHaveEmitsNothing() {
    fixture
        .given(created(), new ContactTagsAdded(ID, TENANT, Set.of("vip"), AT))
        .when(new RemoveContactTags(ID, TENANT, null, Set.of("newsletter"), AT))
        .expectNoEvents();
  }

  @Test
  void removedTagCanBeAddedAgain() {
    fixture
        .given(
            created(),
            new ContactTagsAdded(ID, TENANT, Set.of("vip"), AT),
            new ContactTagsRemoved(ID, TENANT, Set.of("vip"), AT))
        .when(new AddContactTags(ID, TENANT, null, Set.of("vip"), AT))
        .expectEvents(new ContactTagsAdded(ID, TENANT, Set.of("vip"), AT));
  }

  // --- company link ---------------------------------------------------------------------------

  @Test
  void canLinkContactToCompany() {
    fixture
        .given(created())
        .when(new LinkContactToCompany(ID, TENANT, null, "company-1", AT))
        .expectEvents(new ContactLinkedToCompany(ID, TENANT, "company-1", AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void linkingContactToItsCurrentCompanyEmitsNothing() {
    fixture
        .given(created(), new ContactLinkedToCompany(ID, TENANT, "company-1", AT))
        .when(new LinkContactToCompany(ID, TENANT, null, "company-1", AT))
        .expectNoEvents();
  }

  @Test
  void canMoveContactToAnotherCompany() {
    fixture
        .given(created(), new ContactLinkedToCompany(ID, TENANT, "company-1", AT))
        .when(new LinkContactToCompany(ID, TENANT, null, "company-2", AT))
        .expectEvents(new ContactLinkedToCompany(ID, TENANT, "company-2", AT));
  }

  @Test
  void cannotLinkContactWithoutCompany() {
    fixture
        .given(created())
        .when(new LinkContactToCompany(ID, TENANT, null, null, AT))
        .expectException(invalidField("companyId"))
        .expectNoEvents();
  }

  @Test
  void cannotLinkContactToUnknownCompany() {
    fixture
        .given(created())
        .when(new LinkContactToCompany(ID, TENANT, null, "company-404", AT))
        .expectException(invalidField("companyId"))
        .expectExceptionMessage("companyId: is not a company of this tenant")
        .expectNoEvents();
  }

  @Test
  void cannotLinkContactToAnotherTenantsCompany() {
    fixture
        .given(created())
        .when(new LinkContactToCompany(ID, TENANT, null, FOREIGN_COMPANY, AT))
        .expectException(invalidField("companyId"))
        .expectExceptionMessage("companyId: is not a company of this tenant")
        .expectNoEvents();
  }

  @Test
  void unlinkingContactNamesTheCompanyItLeft() {
    fixture
        .given(created(), new ContactLinkedToCompany(ID, TENANT, "company-1", AT))
        .when(new UnlinkContactFromCompany(ID, TENANT, null, AT))
        .expectEvents(new ContactUnlinkedFromCompany(ID, TENANT, "company-1", AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void unlinkingContactWithoutCompanyEmitsNothing() {
    fixture
        .given(created())
        .when(new UnlinkContactFromCompany(ID, TENANT, null, AT))
        .expectNoEvents();
  }

  // --- activities -----------------------------------------------------------------------------

  @Test
  void canLogActivityOnContact() {
    fixture
        .given(created())
        .when(
            logActivity(
                new Activity()
                    .type(ActivityType.CALL)
                    .subject("Intro call")
                    .body("Talked about the pilot.")
                    .outcome("demo booked")))
        .expectEvents(
            new ActivityLogged(
                ID,
                TENANT,
                ACTIVITY,
                ActivityType.CALL,
                OCCURRED_AT,
                ACTOR,
                "Intro call",
                "Talked about the pilot.",
                "demo booked",
                AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void canLogActivityWithOnlyTypeTimeAndActor() {
    fixture
        .given(created())
        .when(logActivity(new Activity()))
        .expectEvents(
            new ActivityLogged(
                ID, TENANT, ACTIVITY, ActivityType.NOTE, OCCURRED_AT, ACTOR, null, null, null, AT));
  }

  @Test
  void everyActivityIsLoggedEvenWhenItRepeatsTheLastOne() {
    var activity = new Activity();
    fixture
        .given(created(), logged(activity))
        .when(logActivity(activity))
        .expectEvents(logged(activity))
        .expectResultMessagePayload(2L);
  }

  @Test
  void canLogActivityBackDatedToTheYear2000() {
    Instant earliest = Instant.parse("2000-01-01T00:00:00Z");
    fixture
        .given(created())
        .when(logActivity(new Activity().occurredAt(earliest)))
        .expectEvents(logged(new Activity().occurredAt(earliest)));
  }

  @Test
  void cannotLogActivityThatHappenedBefore2000() {
    fixture
        .given(created())
        .when(logActivity(new Activity().occurredAt(Instant.parse("1999-12-31T23:59:59Z"))))
        .expectException(invalidField("occurredAt"))
        .expectNoEvents();
  }

  @Test
  void canLogActivityPlannedAYearAhead() {
    Instant aYearAhead = Instant.parse("2026-03-02T10:00:00Z");
    fixture
        .given(created())
        .when(logActivity(new Activity().occurredAt(aYearAhead)))
        .expectEvents(logged(new Activity().occurredAt(aYearAhead)));
  }

  @Test
  void cannotLogActivityMoreThanAYearAhead() {
    fixture
        .given(created())
        .when(logActivity(new Activity().occurredAt(Instant.parse("2026-03-02T10:00:01Z"))))
        .expectException(invalidField("occurredAt"))
        .expectExceptionMessage("occurredAt: must be at most 1 year after now")
        .expectNoEvents();
  }

  @Test
  void cannotLogActivityWithoutWhenItHappened() {
    fixture
        .given(created())
        .when(logActivity(new Activity().occurredAt(null)))
        .expectException(invalidField("occurredAt"))
        .expectExceptionMessage("occurredAt: is required")
        .expectNoEvents();
  }

  @Test
  void cannotLogActivityWithoutType() {
    fixture
        .given(created())
        .when(logActivity(new Activity().type(null)))
        .expectException(invalidField("type"))
        .expectNoEvents();
  }

  @Test
  void cannotLogActivityWithBlankActor() {
    fixture
        .given(created())
        .when(logActivity(new Activity().actorId(" ")))
        .expectException(invalidField("actorId"))
        .expectNoEvents();
  }

  @ParameterizedTest(name = "{0} longer than {1} characters is refused")
  @MethodSource("activityTextsTooLong")
  void cannotLogActivityWithTextBeyondItsLimit(String field, int limit, Activity activity) {
    fixture
        .given(created())
        .when(logActivity(activity))
        .expectException(invalidField(field))
        .expectExceptionMessage(field + ": must be at most " + limit + " characters")
        .expectNoEvents();
  }

  @Test
  void canLogActivityWithEveryTextAtItsLimit() {
    var longest =
        new Activity()
            .subject("s".repeat(200))
            .body("b".repeat(20_000))
            .outcome("o".repeat(100))
            .actorId("a".repeat(100));
    fixture.given(created()).when(logActivity(longest)).expectEvents(logged(longest));
  }

  static Stream<Arguments> activityTextsTooLong() {
    return Stream.of(
        Arguments.of("subject", 200, new Activity().subject("s".repeat(201))),
        Arguments.of("body", 20_000, new Activity().body("b".repeat(20_001))),
        Arguments.of("outcome", 100, new Activity().outcome("o".repeat(101))),
        Arguments.of("actorId", 100, new Activity().actorId("a".repeat(101))),
        Arguments.of("actorId", 100, new Activity().actorId("a".repeat(201))));
  }

  // --- archive and restore --------------------------------------------------------------------

  @Test
  void canArchiveActiveContact() {
    fixture
        .given(created())
        .when(new ArchiveContact(ID, TENANT, null, AT))
        .expectEvents(new ContactArchived(ID, TENANT, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void archivingArchivedContactEmitsNothing() {
    fixture
        .given(created(), new ContactArchived(ID, TENANT, AT))
        .when(new ArchiveContact(ID, TENANT, null, AT))
        .expectNoEvents()
        .expectResultMessagePayload(1L);
  }

  @Test
  void archivedContactKeepsItsPrimaryEmail() {
    primaryEmails.claim(TENANT, EMAIL, ID);

    fixture
        .given(created())
        .when(new ArchiveContact(ID, TENANT, null, AT))
        .expectEvents(new ContactArchived(ID, TENANT, AT));

    assertThat(primaryEmails.holderOf(TENANT, EMAIL)).isEqualTo(ID);
  }

  @Test
  void canRestoreArchivedContact() {
    fixture
        .given(created(), new ContactArchived(ID, TENANT, AT))
        .when(new RestoreContact(ID, TENANT, null, AT))
        .expectEvents(new ContactRestored(ID, TENANT, AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void restoringActiveContactEmitsNothing() {
    fixture
        .given(created())
        .when(new RestoreContact(ID, TENANT, null, AT))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void restoredContactCanBeRenamedAgain() {
    fixture
        .given(created(), new ContactArchived(ID, TENANT, AT), new ContactRestored(ID, TENANT, AT))
        .when(update(new Details().firstName("Augusta")))
        .expectEvents(
            new ContactDetailsUpdated(
                ID, TENANT, "Augusta", null, null, null, null, null, null, null, null, AT));
  }

  @ParameterizedTest(name = "archived contact refuses to {0}")
  @MethodSource("changes")
  void archivedContactRefusesEveryChangeButRestore(Object change) {
    fixture
        .given(created(), new ContactArchived(ID, TENANT, AT))
        .when(change)
        .expectException(archived("contact", ID))
        .expectNoEvents();
  }

  // --- tenancy --------------------------------------------------------------------------------

  @ParameterizedTest(name = "another tenant cannot {0}")
  @MethodSource("everyCommandOfAnotherTenant")
  void contactOfAnotherTenantIsNotFound(Object command) {
    fixture
        .given(created())
        .when(command)
        .expectException(notFound("contact", ID))
        .expectException(AggregateNotFound.class)
        .expectExceptionMessage("contact " + ID + " not found")
        .expectNoEvents();
  }

  static Stream<Named<Object>> changes() {
    return commandsOf(TENANT);
  }

  static Stream<Named<Object>> everyCommandOfAnotherTenant() {
    return Stream.concat(
        commandsOf(OTHER_TENANT),
        Stream.of(
            Named.of("archive", new ArchiveContact(ID, OTHER_TENANT, null, AT)),
            Named.of("restore", new RestoreContact(ID, OTHER_TENANT, null, AT))));
  }

  /** Every command that changes a contact, apart from archive and restore. */
  private static Stream<Named<Object>> commandsOf(String tenant) {
    return Stream.of(
        Named.of(
            "rename",
            new UpdateContactDetails(
                ID, tenant, null, "Augusta", null, null, null, null, null, null, null, null, AT)),
        Named.of(
            "change lifecycle stage",
            new ChangeLifecycleStage(ID, tenant, null, LifecycleStage.LEAD, AT)),
        Named.of("add tags", new AddContactTags(ID, tenant, null, Set.of("vip"), AT)),
        Named.of("remove tags", new RemoveContactTags(ID, tenant, null, Set.of("vip"), AT)),
        Named.of("link to a company", new LinkContactToCompany(ID, tenant, null, "company-1", AT)),
        Named.of("unlink from its company", new UnlinkContactFromCompany(ID, tenant, null, AT)),
        Named.of(
            "log an activity",
            new LogActivity(
                ID,
                tenant,
                ACTIVITY,
                ActivityType.NOTE,
                OCCURRED_AT,
                ACTOR,
                null,
                null,
                null,
                AT)));
  }

  // --- fixtures -------------------------------------------------------------------------------

  private static CreateContact create(String id, String tenant, String email) {
    return new CreateContact(
        id,
        tenant,
        null,
        null,
        email,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        CREATED_AT);
  }

  private static CreateContact createWith(
      List<String> otherEmails, List<String> phones, Integer leadScore, Set<String> tags) {
    return new CreateContact(
        ID,
        TENANT,
        null,
        null,
        EMAIL,
        otherEmails,
        phones,
        null,
        null,
        null,
        leadScore,
        tags,
        null,
        null,
        CREATED_AT);
  }

  private static CreateContact createForCompany(String companyId) {
    return new CreateContact(
        ID,
        TENANT,
        null,
        null,
        EMAIL,
        null,
        null,
        companyId,
        null,
        null,
        null,
        null,
        null,
        null,
        CREATED_AT);
  }

  private static CustomFieldDefinition text(String key) {
    return field(key, CustomFieldType.TEXT, false);
  }

  private static CustomFieldDefinition field(String key, CustomFieldType type, boolean required) {
    return new CustomFieldDefinition(key, key, type, required, List.of(), null);
  }

  private static CreateContact createWithCustomFields(String tenant, Map<String, String> values) {
    return new CreateContact(
        ID,
        tenant,
        null,
        null,
        EMAIL,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        values,
        CREATED_AT);
  }

  private static ContactCreated createdWithCustomFields(Map<String, String> values) {
    return new ContactCreated(
        ID,
        TENANT,
        null,
        null,
        EMAIL,
        List.of(),
        List.of(),
        null,
        null,
        LifecycleStage.SUBSCRIBER,
        0,
        Set.of(),
        OptIns.NONE,
        values,
        CREATED_AT);
  }

  /** The contact as created from an email alone, with every default. */
  private static ContactCreated created() {
    return new ContactCreated(
        ID,
        TENANT,
        null,
        null,
        EMAIL,
        List.of(),
        List.of(),
        null,
        null,
        LifecycleStage.SUBSCRIBER,
        0,
        Set.of(),
        OptIns.NONE,
        Map.of(),
        CREATED_AT);
  }

  private static Set<String> tags(int count) {
    var tags = new HashSet<String>();
    IntStream.range(0, count).forEach(i -> tags.add("tag-" + i));
    return tags;
  }

  private static UpdateContactDetails update(Details details) {
    return new UpdateContactDetails(
        ID,
        TENANT,
        null,
        details.firstName,
        null,
        details.email,
        null,
        null,
        null,
        details.leadScore,
        details.optIns,
        details.customFields,
        AT);
  }

  /** The handful of details the update tests vary; everything else stays {@code null}. */
  private static final class Details {
    private String firstName;
    private String email;
    private Integer leadScore;
    private OptIns optIns;
    private Map<String, String> customFields;

    Details firstName(String value) {
      firstName = value;
      return this;
    }

    Details email(String value) {
      email = value;
      return this;
    }

    Details leadScore(Integer value) {
      leadScore = value;
      return this;
    }

    Details optIns(OptIns value) {
      optIns = value;
      return this;
    }

    Details customFields(Map<String, String> value) {
      customFields = value;
      return this;
    }
  }

  private static LogActivity logActivity(Activity a) {
    return new LogActivity(
        ID, TENANT, ACTIVITY, a.type, a.occurredAt, a.actorId, a.subject, a.body, a.outcome, AT);
  }

  /** The event that logging {@code a} records. */
  private static ActivityLogged logged(Activity a) {
    return new ActivityLogged(
        ID, TENANT, ACTIVITY, a.type, a.occurredAt, a.actorId, a.subject, a.body, a.outcome, AT);
  }

  /** An activity to log: a note by {@link #ACTOR} at {@link #OCCURRED_AT} unless changed. */
  static final class Activity {
    private ActivityType type = ActivityType.NOTE;
    private Instant occurredAt = OCCURRED_AT;
    private String actorId = ACTOR;
    private String subject;
    private String body;
    private String outcome;

    Activity type(ActivityType value) {
      type = value;
      return this;
    }

    Activity occurredAt(Instant value) {
      occurredAt = value;
      return this;
    }

    Activity actorId(String value) {
      actorId = value;
      return this;
    }

    Activity subject(String value) {
      subject = value;
      return this;
    }

    Activity body(String value) {
      body = value;
      return this;
    }

    Activity outcome(String value) {
      outcome = value;
      return this;
    }
  }
}
