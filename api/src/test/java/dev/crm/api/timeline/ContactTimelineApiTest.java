package dev.crm.api.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The activity timeline over HTTP: logging on a contact, reading it back page by page. */
class ContactTimelineApiTest extends ApiTestSupport {

  @Test
  void loggedActivityIsReadBackWithEveryField() {
    Tenant t = newTenant();
    String contact = newContact(t);
    Map<String, Object> call = activity("call", "2021-03-04T15:30:00Z");
    call.put("subject", "Intro call");
    call.put("body", "Talked about the pilot.");
    call.put("outcome", "demo booked");
    call.put("actorId", "user-42");

    Response logged = t.editor().post(activities(contact), call);

    assertThat(logged.status()).as(logged.body()).isEqualTo(201);
    String id = logged.json().get("id").asString();
    assertThat(logged.json().get("version").asLong()).isEqualTo(1);
    assertThat(logged.header("Location")).isEqualTo(activities(contact) + "/" + id);
    JsonNode item = awaitTimeline(t.viewer(), contact, 1).get("items").get(0);
    assertThat(item.get("id").asString()).isEqualTo(id);
    assertThat(item.get("type").asString()).isEqualTo("CALL");
    assertThat(instant(item.get("occurredAt"))).isEqualTo(Instant.parse("2021-03-04T15:30:00Z"));
    assertThat(item.get("actorId").asString()).isEqualTo("user-42");
    assertThat(item.get("subject").asString()).isEqualTo("Intro call");
    assertThat(item.get("body").asString()).isEqualTo("Talked about the pilot.");
    assertThat(item.get("outcome").asString()).isEqualTo("demo booked");
    assertThat(instant(item.get("recordedAt"))).isAfter(Instant.now().minusSeconds(60));
    Response one = t.viewer().get(logged.header("Location"));
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("subject").asString()).isEqualTo("Intro call");
  }

  @Test
  void actorDefaultsToTheCallingKey() {
    Tenant t = newTenant();
    String contact = newContact(t);

    create(t.editor(), activities(contact), activity("note", "2021-03-04T15:30:00Z"));

    String keyId = t.editor().key().split("_")[1];
    JsonNode item = awaitTimeline(t.viewer(), contact, 1).get("items").get(0);
    assertThat(item.get("actorId").asString()).isEqualTo(keyId);
  }

  @Test
  void timelineIsNewestFirstAcrossPages() {
    Tenant t = newTenant();
    String contact = newContact(t);
    // Logged in another order than they occurred: back-dated activities are normal.
    List<String> occurred =
        List.of(
            "2021-05-01T09:00:00Z",
            "2021-06-15T12:00:00Z",
            "2020-11-30T23:59:59Z",
            "2021-06-15T08:00:00Z",
            "2021-01-01T00:00:00Z");
    Map<String, String> idByTime = new LinkedHashMap<>();
    for (String at : occurred) {
      idByTime.put(at, create(t.editor(), activities(contact), activity("meeting", at)));
    }
    awaitTimeline(t.viewer(), contact, occurred.size());

    List<JsonNode> pages = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          t.viewer()
              .get(activities(contact) + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
              .json();
      pages.add(page);
      page.get("items").forEach(i -> ids.add(i.get("id").asString()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
    } while (cursor != null);

    assertThat(pages).hasSize(3);
    assertThat(ids)
        .containsExactly(
            idByTime.get("2021-06-15T12:00:00Z"),
            idByTime.get("2021-06-15T08:00:00Z"),
            idByTime.get("2021-05-01T09:00:00Z"),
            idByTime.get("2021-01-01T00:00:00Z"),
            idByTime.get("2020-11-30T23:59:59Z"));
  }

  @Test
  void rangeIncludesFromAndExcludesTo() {
    Tenant t = newTenant();
    String contact = newContact(t);
    Map<String, String> idByTime = new LinkedHashMap<>();
    for (String at :
        List.of(
            "2021-01-31T23:59:59Z",
            "2021-02-01T00:00:00Z",
            "2021-02-14T10:00:00Z",
            "2021-03-01T00:00:00Z")) {
      idByTime.put(at, create(t.editor(), activities(contact), activity("email", at)));
    }
    awaitTimeline(t.viewer(), contact, 4);

    assertThat(ids(t, contact, "?from=2021-02-01T00:00:00Z&to=2021-03-01T00:00:00Z"))
        .containsExactly(
            idByTime.get("2021-02-14T10:00:00Z"), idByTime.get("2021-02-01T00:00:00Z"));
    assertThat(ids(t, contact, "?from=2021-02-01&to=2021-03-01"))
        .containsExactly(
            idByTime.get("2021-02-14T10:00:00Z"), idByTime.get("2021-02-01T00:00:00Z"));
    assertThat(ids(t, contact, "?from=2021-02-14T10:00:00Z"))
        .containsExactly(
            idByTime.get("2021-03-01T00:00:00Z"), idByTime.get("2021-02-14T10:00:00Z"));
    assertThat(ids(t, contact, "?to=2021-02-01T00:00:00Z"))
        .containsExactly(idByTime.get("2021-01-31T23:59:59Z"));
    // Bounds with an offset: 1 February in Berlin starts at 23:00 UTC the day before.
    assertThat(ids(t, contact, "?from=2021-02-01T00:00:00%2B01:00&to=2021-02-02T00:00:00%2B01:00"))
        .containsExactly(
            idByTime.get("2021-02-01T00:00:00Z"), idByTime.get("2021-01-31T23:59:59Z"));
  }

  @Test
  void contactShowsWhenItsLatestActivityOccurredAndHowManyWereLogged() {
    Tenant t = newTenant();
    String contact = newContact(t);
    JsonNode before = awaitVersion(t.viewer(), "/api/v1/contacts/" + contact, 0).json();
    assertThat(before.get("lastActivityAt").isNull()).isTrue();
    assertThat(before.get("activityCount").asInt()).isZero();

    for (String at :
        List.of("2021-05-01T09:00:00Z", "2021-06-15T12:00:00Z", "2020-01-01T00:00:00Z")) {
      create(t.editor(), activities(contact), activity("call", at));
    }

    JsonNode after = awaitVersion(t.viewer(), "/api/v1/contacts/" + contact, 3).json();
    assertThat(instant(after.get("lastActivityAt")))
        .isEqualTo(Instant.parse("2021-06-15T12:00:00Z"));
    assertThat(after.get("activityCount").asInt()).isEqualTo(3);
  }

  @Test
  void anotherTenantNeitherSeesNorLogsOnTheContact() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String contact = newContact(a);
    String activity =
        create(a.editor(), activities(contact), activity("note", "2021-03-04T10:00:00Z"));
    awaitTimeline(a.viewer(), contact, 1);

    assertThat(b.viewer().get(activities(contact)).status()).isEqualTo(404);
    assertThat(b.viewer().get(activities(contact) + "/" + activity).status()).isEqualTo(404);
    Response logged =
        b.editor().post(activities(contact), activity("note", "2021-03-04T11:00:00Z"));
    assertThat(logged.status()).isEqualTo(404);
    assertThat(logged.contentType()).startsWith("application/problem+json");
    assertThat(
            awaitVersion(a.viewer(), "/api/v1/contacts/" + contact, 1)
                .json()
                .get("activityCount")
                .asInt())
        .isEqualTo(1);
    assertThat(a.viewer().get(activities(contact)).json().get("items")).hasSize(1);
  }

  @Test
  void unknownContactHasNoTimeline() {
    Tenant t = newTenant();

    assertThat(t.viewer().get(activities(UUID.randomUUID().toString())).status()).isEqualTo(404);
    assertThat(t.viewer().get(activities("not-a-uuid")).status()).isEqualTo(404);
    assertThat(
            t.editor()
                .post(
                    activities(UUID.randomUUID().toString()),
                    activity("note", "2021-03-04T10:00:00Z"))
                .status())
        .isEqualTo(404);
  }

  @Test
  void archivedContactRefusesNewActivitiesButKeepsItsTimeline() {
    Tenant t = newTenant();
    String contact = newContact(t);
    create(t.editor(), activities(contact), activity("note", "2021-03-04T10:00:00Z"));
    assertThat(t.editor().delete("/api/v1/contacts/" + contact).status()).isEqualTo(200);

    Response refused =
        t.editor().post(activities(contact), activity("call", "2021-03-05T10:00:00Z"));

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    awaitVersion(t.viewer(), "/api/v1/contacts/" + contact, 2);
    assertThat(awaitTimeline(t.viewer(), contact, 1).get("items").get(0).get("type").asString())
        .isEqualTo("NOTE");
  }

  @Test
  void viewerCannotLogActivities() {
    Tenant t = newTenant();
    String contact = newContact(t);

    Response refused =
        t.viewer().post(activities(contact), activity("note", "2021-03-04T10:00:00Z"));

    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  void badActivityIsRefusedNamingTheField() {
    Tenant t = newTenant();
    String contact = newContact(t);
    Map<String, Object> noTime = activity("note", null);
    noTime.remove("occurredAt");
    Map<String, Object> longSubject = activity("note", "2021-03-04T10:00:00Z");
    longSubject.put("subject", "s".repeat(201));
    Map<String, Object> longBody = activity("note", "2021-03-04T10:00:00Z");
    longBody.put("body", "b".repeat(20_001));
    Map<String, Object> longOutcome = activity("note", "2021-03-04T10:00:00Z");
    longOutcome.put("outcome", "o".repeat(101));
    Map<String, Object> longActor = activity("note", "2021-03-04T10:00:00Z");
    longActor.put("actorId", "a".repeat(101));
    String nextYearAndADay = Instant.now().plusSeconds(367L * 24 * 3600).toString();

    assertBad(t.editor().post(activities(contact), noTime), "occurredAt");
    assertBad(t.editor().post(activities(contact), activity("note", "yesterday")), "occurredAt");
    assertBad(
        t.editor().post(activities(contact), activity("note", "1999-12-31T23:59:59Z")),
        "occurredAt");
    assertBad(
        t.editor().post(activities(contact), activity("note", nextYearAndADay)), "occurredAt");
    assertBad(
        t.editor().post(activities(contact), activity("fax", "2021-03-04T10:00:00Z")), "type");
    assertBad(t.editor().post(activities(contact), activity(null, "2021-03-04T10:00:00Z")), "type");
    assertBad(t.editor().post(activities(contact), longSubject), "subject");
    assertBad(t.editor().post(activities(contact), longBody), "body");
    assertBad(t.editor().post(activities(contact), longOutcome), "outcome");
    assertBad(t.editor().post(activities(contact), longActor), "actorId");
    assertThat(
            awaitVersion(t.viewer(), "/api/v1/contacts/" + contact, 0)
                .json()
                .get("activityCount")
                .asInt())
        .isZero();
  }

  @Test
  void badTimelineParametersAreNamed() {
    Tenant t = newTenant();
    String contact = newContact(t);
    newContact(t);
    awaitTimeline(t.viewer(), contact, 0);
    String contactListCursor =
        t.viewer().get("/api/v1/contacts?limit=1&order=desc").json().get("nextCursor").asString();

    assertBad(t.viewer().get(activities(contact) + "?from=last-week"), "from");
    assertBad(t.viewer().get(activities(contact) + "?to=2021-13-01"), "to");
    assertBad(t.viewer().get(activities(contact) + "?from=2021-03-01&to=2021-02-01"), "to");
    assertBad(t.viewer().get(activities(contact) + "?limit=201"), "limit");
    assertBad(t.viewer().get(activities(contact) + "?limit=0"), "limit");
    assertBad(t.viewer().get(activities(contact) + "?cursor=garbage"), "cursor");
    assertBad(t.viewer().get(activities(contact) + "?cursor=" + contactListCursor), "cursor");
  }

  // --- helpers --------------------------------------------------------------------------------

  private static String activities(String contact) {
    return "/api/v1/contacts/" + contact + "/activities";
  }

  private static String newContact(Tenant t) {
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 0);
    return id;
  }

  private static Map<String, Object> activity(String type, String occurredAt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("occurredAt", occurredAt);
    return body;
  }

  /** Reads the timeline until it holds {@code count} activities; answers that page. */
  private static JsonNode awaitTimeline(Client client, String contact, int count) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response r = client.get(activities(contact) + "?limit=200");
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              assertThat(r.json().get("items")).hasSize(count);
              last.set(r.json());
            });
    return last.get();
  }

  private static List<String> ids(Tenant t, String contact, String query) {
    Response r = t.viewer().get(activities(contact) + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.json().get("items").forEach(i -> ids.add(i.get("id").asString()));
    return ids;
  }

  private static Instant instant(JsonNode value) {
    return OffsetDateTime.parse(value.asString()).toInstant();
  }

  private static void assertBad(Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    List<String> fields = new ArrayList<>();
    r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).as(r.body()).containsExactly(field);
  }
}
