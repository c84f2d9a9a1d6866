package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Dead letters against the real PostgreSQL: an event the contact table refuses for good (a check
 * constraint added behind the service's back) is parked with the later events of its contact while
 * the processor goes on with the others; it can be listed, retried once the cause is gone, or
 * discarded.
 */
class DeadLetterTest extends ApiTestSupport {
  private static final String PROCESSOR = "contact-table";
  private static final String POISON = "dead_letter_test_poison";

  /** The last name the constraint refuses: new for every run, since the test database stays. */
  private final String poison = "Poison-" + java.util.UUID.randomUUID().toString().substring(0, 8);

  @Autowired DSLContext db;

  private static Map<String, Object> person(String last) {
    Map<String, Object> c = new HashMap<>(contact(uniqueEmail()));
    c.put("firstName", "Dee");
    c.put("lastName", last);
    return c;
  }

  private String lastName(String tenant, String contact) {
    return db.fetchValue(
            "select last_name from contact where tenant_id = ?::uuid and id = ?::uuid",
            tenant,
            contact)
        .toString();
  }

  private String firstName(String tenant, String contact) {
    return db.fetchValue(
            "select first_name from contact where tenant_id = ?::uuid and id = ?::uuid",
            tenant,
            contact)
        .toString();
  }

  /** The contact table's letters about one contact, in order. */
  private List<JsonNode> letters(String contact) {
    Response r = platformAdmin().get("/api/v1/admin/dead-letters?processor=" + PROCESSOR);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> about = new ArrayList<>();
    r.json()
        .get("letters")
        .forEach(
            l -> {
              if (contact.equals(l.get("aggregateId").asString())) {
                about.add(l);
              }
            });
    return about;
  }

  private void refuse() {
    allow(); // a run killed before its clean-up may have left it
    db.execute(
        "alter table contact add constraint "
            + POISON
            + " check (last_name is distinct from '"
            + poison
            + "')");
  }

  private void allow() {
    db.execute("alter table contact drop constraint if exists " + POISON);
  }

  @Test
  void aRefusedEventIsParkedWithTheLaterOnesOfItsContactAndRetriedOnceTheCauseIsGone() {
    Tenant t = newTenant();
    String a = create(t.editor(), "/api/v1/contacts", person("Alpha"));
    String b = create(t.editor(), "/api/v1/contacts", person("Beta"));
    await()
        .atMost(PROJECTION)
        .until(
            () ->
                db.fetchCount(db.selectFrom("contact").where("tenant_id = ?::uuid", t.id())) == 2);
    refuse();
    try {
      assertThat(t.editor().patch("/api/v1/contacts/" + a, Map.of("lastName", poison)).status())
          .isEqualTo(200);
      assertThat(t.editor().patch("/api/v1/contacts/" + a, Map.of("firstName", "Later")).status())
          .isEqualTo(200);
      assertThat(
              t.editor().patch("/api/v1/contacts/" + b, Map.of("lastName", "Unaffected")).status())
          .isEqualTo(200);

      // The processor goes on with the other contacts; A's events wait, in order.
      await().atMost(PROJECTION).until(() -> lastName(t.id(), b).equals("Unaffected"));
      await().atMost(PROJECTION).until(() -> letters(a).size() == 2);
      List<JsonNode> parked = letters(a);
      assertThat(parked.get(0).get("eventType").asString()).isEqualTo("ContactDetailsUpdated");
      assertThat(parked.get(0).get("causeMessage").asString()).contains(POISON);
      assertThat(parked.get(0).get("tenantId").asString()).isEqualTo(t.id());
      assertThat(parked.get(0).get("aggregateSequence").asLong())
          .isLessThan(parked.get(1).get("aggregateSequence").asLong());
      assertThat(lastName(t.id(), a)).isEqualTo("Alpha");
      assertThat(firstName(t.id(), a)).isEqualTo("Dee");
      JsonNode status = platformAdmin().get("/api/v1/admin/processors/" + PROCESSOR).json();
      assertThat(status.get("deadLetters").asInt()).isGreaterThanOrEqualTo(2);

      // While the cause is still there, a retry fails again and the letters stay.
      String first = parked.get(0).get("id").asString();
      Response again =
          platformAdmin()
              .post("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + first + "/retry", null);
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(again.json().get("succeeded").asBoolean()).isFalse();
      assertThat(letters(a)).hasSize(2);
    } finally {
      allow();
    }
    String first = letters(a).get(0).get("id").asString();
    Response retried =
        platformAdmin()
            .post("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + first + "/retry", null);
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().get("succeeded").asBoolean()).isTrue();
    assertThat(letters(a)).isEmpty();
    assertThat(lastName(t.id(), a)).isEqualTo(poison);
    assertThat(firstName(t.id(), a)).isEqualTo("Later");
  }

  @Test
  void aRefusedNewContactIsParkedAndTheContactsCreatedWithItLand() {
    Tenant t = newTenant();
    refuse();
    String refused;
    try {
      // Created back to back, so that they share the processor's batches of new rows: the
      // refused row must not take the others' with it, nor hold up the processor for good.
      String before = create(t.editor(), "/api/v1/contacts", person("Before"));
      refused = create(t.editor(), "/api/v1/contacts", person(poison));
      String after = create(t.editor(), "/api/v1/contacts", person("After"));
      // Another tenant's contacts keep coming meanwhile, so that both segments commit batches
      // while the refused one waits for its retry: those commits must not put it back into one
      // multi-row insert that fails again.
      Tenant other = newTenant();
      await()
          .atMost(PROJECTION)
          .until(
              () -> {
                create(other.editor(), "/api/v1/contacts", person("Meanwhile"));
                return db.fetchCount(db.selectFrom("contact").where("tenant_id = ?::uuid", t.id()))
                    == 2;
              });
      assertThat(lastName(t.id(), before)).isEqualTo("Before");
      assertThat(lastName(t.id(), after)).isEqualTo("After");
      await().atMost(PROJECTION).until(() -> letters(refused).size() == 1);
      JsonNode letter = letters(refused).get(0);
      assertThat(letter.get("eventType").asString()).isEqualTo("ContactCreated");
      assertThat(letter.get("causeMessage").asString()).contains(POISON);
      // Its later events wait behind it.
      assertThat(
              t.editor()
                  .patch("/api/v1/contacts/" + refused, Map.of("firstName", "Later"))
                  .status())
          .isEqualTo(200);
      await().atMost(PROJECTION).until(() -> letters(refused).size() == 2);
    } finally {
      allow();
    }
    Response retried =
        platformAdmin().post("/api/v1/admin/dead-letters/" + PROCESSOR + "/retry", null);
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    await().atMost(PROJECTION).until(() -> letters(refused).isEmpty());
    assertThat(lastName(t.id(), refused)).isEqualTo(poison);
    assertThat(firstName(t.id(), refused)).isEqualTo("Later");
  }

  @Test
  void aDiscardedLetterIsGoneAndTheContactsLaterEventsApplyAgain() {
    Tenant t = newTenant();
    String c = create(t.editor(), "/api/v1/contacts", person("Gamma"));
    await()
        .atMost(PROJECTION)
        .until(
            () ->
                db.fetchCount(db.selectFrom("contact").where("tenant_id = ?::uuid", t.id())) == 1);
    refuse();
    String id;
    try {
      t.editor().patch("/api/v1/contacts/" + c, Map.of("lastName", poison));
      await().atMost(PROJECTION).until(() -> letters(c).size() == 1);
      id = letters(c).get(0).get("id").asString();
      Response one = platformAdmin().get("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + id);
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      assertThat(one.json().get("aggregateId").asString()).isEqualTo(c);
    } finally {
      allow();
    }
    assertThat(t.admin().delete("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + id).status())
        .as("tenant admins do not manage processors")
        .isEqualTo(403);
    assertThat(
            platformAdmin().delete("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + id).status())
        .isEqualTo(204);
    assertThat(letters(c)).isEmpty();
    assertThat(lastName(t.id(), c)).isEqualTo("Gamma");
    assertThat(
            platformAdmin().delete("/api/v1/admin/dead-letters/" + PROCESSOR + "/" + id).status())
        .isEqualTo(404);
    assertThat(platformAdmin().get("/api/v1/admin/dead-letters?processor=nope").status())
        .isEqualTo(404);
    Response badLimit = platformAdmin().get("/api/v1/admin/dead-letters?limit=0");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.body()).contains("limit");

    // Nothing of the contact's is parked any more: its next change applies at once.
    t.editor().patch("/api/v1/contacts/" + c, Map.of("lastName", "Delta"));
    await().atMost(PROJECTION).until(() -> lastName(t.id(), c).equals("Delta"));
  }
}
