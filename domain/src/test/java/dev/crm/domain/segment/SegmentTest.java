package dev.crm.domain.segment;

import static dev.crm.domain.shared.Rejections.invalidField;
import static dev.crm.domain.shared.Rejections.notFound;

import dev.crm.domain.segment.SegmentCommands.CreateSegment;
import dev.crm.domain.segment.SegmentCommands.DeleteSegment;
import dev.crm.domain.segment.SegmentCommands.UpdateSegment;
import dev.crm.domain.segment.SegmentDefinition.Filter;
import dev.crm.domain.segment.SegmentDefinition.Group;
import dev.crm.domain.segment.SegmentEvent.SegmentCreated;
import dev.crm.domain.segment.SegmentEvent.SegmentDeleted;
import dev.crm.domain.segment.SegmentEvent.SegmentUpdated;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SegmentTest {
  private static final String TENANT = "tenant-a";
  private static final String OTHER_TENANT = "tenant-b";
  private static final String ID = "segment-1";
  private static final Instant CREATED_AT = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant AT = Instant.parse("2025-03-02T10:00:00Z");

  private static final SegmentDefinition LEADS =
      definition(new Filter("lifecycleStage", "eq", List.of("LEAD")));
  private static final SegmentDefinition VIPS =
      definition(new Filter("tags", "contains", List.of("vip")));

  private FixtureConfiguration<Segment> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(Segment.class);
  }

  private static SegmentDefinition definition(Filter... filters) {
    return new SegmentDefinition(List.of(new Group(List.of(filters))));
  }

  private static SegmentCreated created() {
    return new SegmentCreated(ID, TENANT, "Leads", LEADS, CREATED_AT);
  }

  @Test
  void canCreateSegmentWithNameAndDefinition() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", LEADS, CREATED_AT))
        .expectEvents(created());
  }

  @Test
  void cannotCreateSegmentWithoutName() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, " ", LEADS, CREATED_AT))
        .expectException(invalidField("name"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithNameLongerThan200() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "x".repeat(201), LEADS, CREATED_AT))
        .expectException(invalidField("name"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithoutGroups() {
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", new SegmentDefinition(List.of()), CREATED_AT))
        .expectException(invalidField("filter.groups"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithAnEmptyGroup() {
    SegmentDefinition emptySecondGroup =
        new SegmentDefinition(List.of(LEADS.groups().getFirst(), new Group(List.of())));
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", emptySecondGroup, CREATED_AT))
        .expectException(invalidField("filter.groups[1].filters"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithMoreThanTenGroups() {
    SegmentDefinition eleven =
        new SegmentDefinition(Collections.nCopies(11, LEADS.groups().getFirst()));
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", eleven, CREATED_AT))
        .expectException(invalidField("filter.groups"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithMoreThanTwentyFiltersInAGroup() {
    Filter stage = LEADS.groups().getFirst().filters().getFirst();
    SegmentDefinition crowded =
        new SegmentDefinition(List.of(new Group(Collections.nCopies(21, stage))));
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", crowded, CREATED_AT))
        .expectException(invalidField("filter.groups[0].filters"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithMoreThanFiftyFiltersInAll() {
    Filter stage = LEADS.groups().getFirst().filters().getFirst();
    Group twenty = new Group(Collections.nCopies(20, stage));
    Group eleven = new Group(Collections.nCopies(11, stage));
    SegmentDefinition fiftyOne = new SegmentDefinition(List.of(twenty, twenty, eleven));
    fixture
        .givenNoPriorActivity()
        .when(new CreateSegment(ID, TENANT, "Leads", fiftyOne, CREATED_AT))
        .expectException(invalidField("filter.groups"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithMoreThanHundredValuesInAFilter() {
    List<String> values = IntStream.range(0, 101).mapToObj(i -> "tag" + i).toList();
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateSegment(
                ID, TENANT, "Tags", definition(new Filter("tags", "in", values)), CREATED_AT))
        .expectException(invalidField("filter.groups[0].filters[0].values"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateSegmentWithFilterWithoutOperator() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateSegment(
                ID,
                TENANT,
                "Leads",
                definition(new Filter("lifecycleStage", null, List.of("LEAD"))),
                CREATED_AT))
        .expectException(invalidField("filter.groups[0].filters[0].op"))
        .expectNoEvents();
  }

  @Test
  void canRenameSegment() {
    fixture
        .given(created())
        .when(new UpdateSegment(ID, TENANT, 0L, "Hot leads", null, AT))
        .expectEvents(new SegmentUpdated(ID, TENANT, "Hot leads", null, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void canRedefineSegment() {
    fixture
        .given(created())
        .when(new UpdateSegment(ID, TENANT, 0L, null, VIPS, AT))
        .expectEvents(new SegmentUpdated(ID, TENANT, null, VIPS, AT));
  }

  @Test
  void updateThatChangesNothingRecordsNothing() {
    fixture
        .given(created())
        .when(new UpdateSegment(ID, TENANT, 0L, "Leads", LEADS, AT))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void cannotRedefineSegmentBeyondTheLimits() {
    fixture
        .given(created())
        .when(new UpdateSegment(ID, TENANT, 0L, null, new SegmentDefinition(List.of()), AT))
        .expectException(invalidField("filter.groups"))
        .expectNoEvents();
  }

  @Test
  void canDeleteSegment() {
    fixture
        .given(created())
        .when(new DeleteSegment(ID, TENANT, null, AT))
        .expectEvents(new SegmentDeleted(ID, TENANT, AT));
  }

  @Test
  void cannotChangeDeletedSegment() {
    fixture
        .given(created(), new SegmentDeleted(ID, TENANT, AT))
        .when(new UpdateSegment(ID, TENANT, null, "Again", null, AT))
        .expectException(notFound("segment", ID))
        .expectNoEvents();
  }

  @Test
  void cannotDeleteDeletedSegmentAgain() {
    fixture
        .given(created(), new SegmentDeleted(ID, TENANT, AT))
        .when(new DeleteSegment(ID, TENANT, null, AT))
        .expectException(notFound("segment", ID))
        .expectNoEvents();
  }

  @Test
  void otherTenantCannotSeeSegment() {
    fixture
        .given(created())
        .when(new UpdateSegment(ID, OTHER_TENANT, null, "Mine now", null, AT))
        .expectException(notFound("segment", ID))
        .expectNoEvents();
  }

  @Test
  void otherTenantCannotDeleteSegment() {
    fixture
        .given(created())
        .when(new DeleteSegment(ID, OTHER_TENANT, null, AT))
        .expectException(notFound("segment", ID))
        .expectNoEvents();
  }
}
