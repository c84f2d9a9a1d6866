package dev.crm.domain.campaign;

import static dev.crm.domain.campaign.CampaignState.CANCELLED;
import static dev.crm.domain.campaign.CampaignState.COMPLETED;
import static dev.crm.domain.campaign.CampaignState.DRAFT;
import static dev.crm.domain.campaign.CampaignState.PAUSED;
import static dev.crm.domain.campaign.CampaignState.RUNNING;
import static dev.crm.domain.campaign.CampaignState.SCHEDULED;
import static dev.crm.domain.shared.Rejections.invalidField;
import static dev.crm.domain.shared.Rejections.notFound;

import dev.crm.domain.campaign.CampaignCommands.CancelCampaign;
import dev.crm.domain.campaign.CampaignCommands.CompleteCampaign;
import dev.crm.domain.campaign.CampaignCommands.CreateCampaign;
import dev.crm.domain.campaign.CampaignCommands.LaunchCampaign;
import dev.crm.domain.campaign.CampaignCommands.PauseCampaign;
import dev.crm.domain.campaign.CampaignCommands.ResumeCampaign;
import dev.crm.domain.campaign.CampaignCommands.ScheduleCampaign;
import dev.crm.domain.campaign.CampaignEvent.CampaignCancelled;
import dev.crm.domain.campaign.CampaignEvent.CampaignCompleted;
import dev.crm.domain.campaign.CampaignEvent.CampaignCreated;
import dev.crm.domain.campaign.CampaignEvent.CampaignLaunched;
import dev.crm.domain.campaign.CampaignEvent.CampaignPaused;
import dev.crm.domain.campaign.CampaignEvent.CampaignResumed;
import dev.crm.domain.campaign.CampaignEvent.CampaignScheduled;
import dev.crm.domain.shared.Fields;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.axonframework.test.matchers.Matchers;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CampaignTest {
  private static final String TENANT = "tenant-a";
  private static final String OTHER_TENANT = "tenant-b";
  private static final String ID = "campaign-1";
  private static final Instant CREATED_AT = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant AT = Instant.parse("2025-03-02T10:00:00Z");
  private static final Instant START = Instant.parse("2025-04-01T08:00:00Z");

  private FixtureConfiguration<Campaign> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(Campaign.class);
  }

  // --- create ---------------------------------------------------------------------------------

  @Test
  void canCreateCampaignAsDraft() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateCampaign(ID, TENANT, "Spring launch", Channel.EMAIL, "Hello", CREATED_AT))
        .expectEvents(
            new CampaignCreated(ID, TENANT, "Spring launch", Channel.EMAIL, "Hello", CREATED_AT));
  }

  @Test
  void cannotCreateCampaignWithoutName() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateCampaign(ID, TENANT, null, Channel.EMAIL, null, CREATED_AT))
        .expectException(invalidField("name"))
        .expectExceptionMessage("name: is required")
        .expectNoEvents();
  }

  @Test
  void cannotCreateCampaignWithoutChannel() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateCampaign(ID, TENANT, "Spring launch", null, null, CREATED_AT))
        .expectException(invalidField("channel"))
        .expectExceptionMessage("channel: is required")
        .expectNoEvents();
  }

  @Test
  void cannotCreateCampaignWithDescriptionBeyondTheLongTextLimit() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCampaign(
                ID,
                TENANT,
                "Spring launch",
                Channel.SMS,
                "x".repeat(Fields.MAX_LONG_TEXT + 1),
                CREATED_AT))
        .expectException(invalidField("description"))
        .expectNoEvents();
  }

  @Test
  void canCreateCampaignWithDescriptionAtTheLongTextLimit() {
    String description = "x".repeat(Fields.MAX_LONG_TEXT);
    fixture
        .givenNoPriorActivity()
        .when(new CreateCampaign(ID, TENANT, "Spring launch", Channel.SMS, description, AT))
        .expectEvents(
            new CampaignCreated(ID, TENANT, "Spring launch", Channel.SMS, description, AT));
  }

  // --- schedule -------------------------------------------------------------------------------

  @Test
  void canScheduleDraftCampaign() {
    fixture
        .given(created())
        .when(new ScheduleCampaign(ID, TENANT, null, START, AT))
        .expectEvents(new CampaignScheduled(ID, TENANT, START, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void canRescheduleScheduledCampaign() {
    Instant later = START.plusSeconds(86_400);
    fixture
        .given(created(), scheduled())
        .when(new ScheduleCampaign(ID, TENANT, null, later, AT))
        .expectEvents(new CampaignScheduled(ID, TENANT, later, AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void cannotScheduleCampaignWithoutStart() {
    fixture
        .given(created())
        .when(new ScheduleCampaign(ID, TENANT, null, null, AT))
        .expectException(invalidField("startAt"))
        .expectExceptionMessage("startAt: is required")
        .expectNoEvents();
  }

  @Test
  void cannotScheduleCampaignToStartInThePast() {
    fixture
        .given(created())
        .when(new ScheduleCampaign(ID, TENANT, null, AT.minusSeconds(60), AT))
        .expectException(invalidField("startAt"))
        .expectExceptionMessage("startAt: must be in the future")
        .expectNoEvents();
  }

  @Test
  void cannotScheduleCampaignToStartAtTheMomentItIsScheduled() {
    fixture
        .given(created())
        .when(new ScheduleCampaign(ID, TENANT, null, AT, AT))
        .expectException(invalidField("startAt"))
        .expectNoEvents();
  }

  @Test
  void cannotScheduleRunningCampaign() {
    fixture
        .given(eventsUpTo(RUNNING))
        .when(new ScheduleCampaign(ID, TENANT, null, START, AT))
        .expectException(transition(RUNNING, "schedule"))
        .expectExceptionMessage("cannot schedule campaign " + ID + " while it is RUNNING")
        .expectNoEvents();
  }

  // --- launch, pause, resume, complete --------------------------------------------------------

  @Test
  void canLaunchScheduledCampaign() {
    fixture
        .given(eventsUpTo(SCHEDULED))
        .when(new LaunchCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignLaunched(ID, TENANT, AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void cannotLaunchDraftCampaign() {
    fixture
        .given(created())
        .when(new LaunchCampaign(ID, TENANT, null, AT))
        .expectException(transition(DRAFT, "launch"))
        .expectExceptionMessage("cannot launch campaign " + ID + " while it is DRAFT")
        .expectNoEvents();
  }

  @Test
  void canPauseRunningCampaign() {
    fixture
        .given(eventsUpTo(RUNNING))
        .when(new PauseCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignPaused(ID, TENANT, AT))
        .expectResultMessagePayload(3L);
  }

  @Test
  void cannotPauseScheduledCampaign() {
    fixture
        .given(eventsUpTo(SCHEDULED))
        .when(new PauseCampaign(ID, TENANT, null, AT))
        .expectException(transition(SCHEDULED, "pause"))
        .expectExceptionMessage("cannot pause campaign " + ID + " while it is SCHEDULED")
        .expectNoEvents();
  }

  @Test
  void canResumePausedCampaign() {
    fixture
        .given(eventsUpTo(PAUSED))
        .when(new ResumeCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignResumed(ID, TENANT, AT))
        .expectResultMessagePayload(4L);
  }

  @Test
  void resumedCampaignCanBePausedAgain() {
    fixture
        .given(
            created(),
            scheduled(),
            new CampaignLaunched(ID, TENANT, AT),
            new CampaignPaused(ID, TENANT, AT),
            new CampaignResumed(ID, TENANT, AT))
        .when(new PauseCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignPaused(ID, TENANT, AT));
  }

  @Test
  void cannotResumeRunningCampaign() {
    fixture
        .given(eventsUpTo(RUNNING))
        .when(new ResumeCampaign(ID, TENANT, null, AT))
        .expectException(transition(RUNNING, "resume"))
        .expectExceptionMessage("cannot resume campaign " + ID + " while it is RUNNING")
        .expectNoEvents();
  }

  @Test
  void canCompleteRunningCampaign() {
    fixture
        .given(eventsUpTo(RUNNING))
        .when(new CompleteCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignCompleted(ID, TENANT, AT))
        .expectResultMessagePayload(3L);
  }

  @Test
  void canCompletePausedCampaign() {
    fixture
        .given(eventsUpTo(PAUSED))
        .when(new CompleteCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignCompleted(ID, TENANT, AT));
  }

  @Test
  void cannotCompleteScheduledCampaign() {
    fixture
        .given(eventsUpTo(SCHEDULED))
        .when(new CompleteCampaign(ID, TENANT, null, AT))
        .expectException(transition(SCHEDULED, "complete"))
        .expectExceptionMessage("cannot complete campaign " + ID + " while it is SCHEDULED")
        .expectNoEvents();
  }

  // --- cancel ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "can cancel a {0} campaign")
  @EnumSource(
      value = CampaignState.class,
      names = {"DRAFT", "SCHEDULED", "RUNNING", "PAUSED"})
  void canCancelCampaignThatHasNotEnded(CampaignState from) {
    fixture
        .given(eventsUpTo(from))
        .when(new CancelCampaign(ID, TENANT, null, AT))
        .expectEvents(new CampaignCancelled(ID, TENANT, from, AT));
  }

  @Test
  void cannotCancelCompletedCampaign() {
    fixture
        .given(eventsUpTo(COMPLETED))
        .when(new CancelCampaign(ID, TENANT, null, AT))
        .expectException(transition(COMPLETED, "cancel"))
        .expectExceptionMessage("cannot cancel campaign " + ID + " while it is COMPLETED")
        .expectNoEvents();
  }

  @Test
  void cannotCancelCancelledCampaign() {
    fixture
        .given(eventsUpTo(CANCELLED))
        .when(new CancelCampaign(ID, TENANT, null, AT))
        .expectException(transition(CANCELLED, "cancel"))
        .expectNoEvents();
  }

  // --- the whole state machine ----------------------------------------------------------------

  /** Every step from every state the specification forbids, named by the state it meets. */
  @ParameterizedTest(name = "cannot {1} a {0} campaign")
  @MethodSource("forbiddenTransitions")
  void everyForbiddenTransitionIsRefusedAndNamesTheCurrentState(
      CampaignState current, String action, Object command) {
    fixture
        .given(eventsUpTo(current))
        .when(command)
        .expectException(transition(current, action))
        .expectExceptionMessage("cannot " + action + " campaign " + ID + " while it is " + current)
        .expectNoEvents();
  }

  static Stream<Arguments> forbiddenTransitions() {
    // The specification, restated independently of the aggregate's own table.
    record Action(String name, Set<CampaignState> allowedFrom, Object command) {}
    var actions =
        List.of(
            new Action(
                "schedule",
                EnumSet.of(DRAFT, SCHEDULED),
                new ScheduleCampaign(ID, TENANT, null, START, AT)),
            new Action("launch", EnumSet.of(SCHEDULED), new LaunchCampaign(ID, TENANT, null, AT)),
            new Action("pause", EnumSet.of(RUNNING), new PauseCampaign(ID, TENANT, null, AT)),
            new Action("resume", EnumSet.of(PAUSED), new ResumeCampaign(ID, TENANT, null, AT)),
            new Action(
                "complete",
                EnumSet.of(RUNNING, PAUSED),
                new CompleteCampaign(ID, TENANT, null, AT)),
            new Action(
                "cancel",
                EnumSet.of(DRAFT, SCHEDULED, RUNNING, PAUSED),
                new CancelCampaign(ID, TENANT, null, AT)));
    return actions.stream()
        .flatMap(
            action ->
                EnumSet.complementOf(EnumSet.copyOf(action.allowedFrom())).stream()
                    .map(state -> Arguments.of(state, action.name(), action.command())));
  }

  // --- tenancy --------------------------------------------------------------------------------

  @ParameterizedTest(name = "another tenant cannot {0}")
  @MethodSource("everyCommandOfAnotherTenant")
  void campaignOfAnotherTenantIsNotFound(String action, Object command) {
    fixture
        .given(eventsUpTo(SCHEDULED))
        .when(command)
        .expectException(notFound("campaign", ID))
        .expectExceptionMessage("campaign " + ID + " not found")
        .expectNoEvents();
  }

  static Stream<Arguments> everyCommandOfAnotherTenant() {
    return Stream.of(
        Arguments.of("schedule", new ScheduleCampaign(ID, OTHER_TENANT, null, START, AT)),
        Arguments.of("launch", new LaunchCampaign(ID, OTHER_TENANT, null, AT)),
        Arguments.of("pause", new PauseCampaign(ID, OTHER_TENANT, null, AT)),
        Arguments.of("resume", new ResumeCampaign(ID, OTHER_TENANT, null, AT)),
        Arguments.of("complete", new CompleteCampaign(ID, OTHER_TENANT, null, AT)),
        Arguments.of("cancel", new CancelCampaign(ID, OTHER_TENANT, null, AT)));
  }

  // --- fixtures -------------------------------------------------------------------------------

  private static CampaignCreated created() {
    return new CampaignCreated(ID, TENANT, "Spring launch", Channel.EMAIL, null, CREATED_AT);
  }

  private static CampaignScheduled scheduled() {
    return new CampaignScheduled(ID, TENANT, START, AT);
  }

  /** The shortest history that leaves the campaign in {@code state}. */
  private static List<Object> eventsUpTo(CampaignState state) {
    return switch (state) {
      case DRAFT -> List.of(created());
      case SCHEDULED -> List.of(created(), scheduled());
      case RUNNING -> List.of(created(), scheduled(), new CampaignLaunched(ID, TENANT, AT));
      case PAUSED ->
          List.of(
              created(),
              scheduled(),
              new CampaignLaunched(ID, TENANT, AT),
              new CampaignPaused(ID, TENANT, AT));
      case COMPLETED ->
          List.of(
              created(),
              scheduled(),
              new CampaignLaunched(ID, TENANT, AT),
              new CampaignCompleted(ID, TENANT, AT));
      case CANCELLED -> List.of(created(), new CampaignCancelled(ID, TENANT, DRAFT, AT));
    };
  }

  /** The state machine refused {@code action} and names the state it found the campaign in. */
  private static Matcher<Object> transition(CampaignState current, String action) {
    return Matchers.predicate(
        e ->
            e instanceof InvalidCampaignTransition t
                && t.campaignId().equals(ID)
                && t.current() == current
                && t.action().equals(action));
  }
}
