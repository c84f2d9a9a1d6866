package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Replay control on the real token store: a contact table with rows deleted behind the service's
 * back is repaired by replaying its processor, while reads go on; a processor paused on every node
 * stops applying events until it is resumed.
 */
class ProcessorReplayTest extends ApiTestSupport {
  @Autowired JdbcTemplate jdbc;

  private JsonNode status(String name) {
    Response r = platformAdmin().get("/api/v1/admin/processors/" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** A list read under a limit no earlier read used, so the read cache cannot answer it. */
  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Response list(Tenant t, int limit) {
    return t.viewer().get("/api/v1/contacts?limit=" + limit);
  }

  @Test
  void aReplayRepairsRowsDeletedBehindTheServicesBackWhileReadsGoOn() throws Exception {
    Tenant t = newTenant();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(create(t.editor(), "/api/v1/contacts", contact(uniqueEmail())));
    }
    t.editor().patch("/api/v1/contacts/" + ids.get(0), Map.of("firstName", "Patched"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> list(t, 200).json().get("items").size() == 10);

    jdbc.update(
        "delete from contact where tenant_id = ?::uuid and id in (?::uuid, ?::uuid, ?::uuid)",
        t.id(),
        ids.get(0),
        ids.get(1),
        ids.get(2));
    assertThat(list(t, 199).json().get("items")).hasSize(7);

    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (reading.get()) {
                    Response r = list(t, ThreadLocalRandom.current().nextInt(20, 190));
                    reads.incrementAndGet();
                    if (r.status() != 200) {
                      problems.add(r.status() + " " + r.body());
                    } else if (r.json().get("items").size() < 7) {
                      problems.add("only " + r.json().get("items").size() + " contacts");
                    }
                    try {
                      Thread.sleep(20);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    Response started = platformAdmin().post("/api/v1/admin/processors/contact-table/replay", null);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().get("replay").get("headAtStart").asLong()).isPositive();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              JsonNode s = status("contact-table");
              assertThat(s.get("replaying").asBoolean()).isFalse();
              assertThat(s.get("replay").get("percent").asDouble()).isEqualTo(100.0);
              assertThat(list(t, 198).json().get("items")).hasSize(10);
            });
    reading.set(false);
    reader.join();

    assertThat(problems).as("reads during the replay").isEmpty();
    assertThat(reads.get()).isPositive();
    Response repaired = t.viewer().get("/api/v1/contacts/" + ids.get(0));
    assertThat(repaired.status()).isEqualTo(200);
    assertThat(repaired.json().get("firstName").asString()).isEqualTo("Patched");
    assertThat(repaired.json().get("version").asLong()).isEqualTo(1);
    // The replay is over: new events are applied as live ones again.
    String after = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitRead(t.viewer(), "/api/v1/contacts/" + after, r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void aPausedProcessorAppliesNothingUntilItIsResumed() {
    Tenant t = newTenant();
    String id;
    try {
      Response paused = platformAdmin().post("/api/v1/admin/processors/company-table/pause", null);
      assertThat(paused.status()).as(paused.body()).isEqualTo(200);
      assertThat(paused.json().get("paused").asBoolean()).isTrue();
      assertThat(paused.json().get("runningHere").asBoolean()).isFalse();
      assertThat(paused.json().get("segments"))
          .allSatisfy(s -> assertThat(s.get("owner").isNull()).isTrue());
      id = create(t.editor(), "/api/v1/companies", Map.of("name", "Paused Inc"));
      // Two seconds, several reads: the company never reaches the read model while paused.
      for (int i = 0; i < 4; i++) {
        sleep(500);
        assertThat(t.viewer().get("/api/v1/companies/" + id).status()).isEqualTo(404);
      }
      assertThat(status("company-table").get("paused").asBoolean()).isTrue();
    } finally {
      Response resumed =
          platformAdmin().post("/api/v1/admin/processors/company-table/resume", null);
      assertThat(resumed.status()).isEqualTo(200);
      assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    }
    awaitRead(t.viewer(), "/api/v1/companies/" + id, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(status("company-table").get("runningHere").asBoolean()).isTrue();
  }

  @Test
  void replayAndPauseNameARealProcessorAndAreForThePlatformAdmin() {
    Tenant t = newTenant();
    assertThat(platformAdmin().post("/api/v1/admin/processors/nope/replay", null).status())
        .isEqualTo(404);
    assertThat(t.admin().post("/api/v1/admin/processors/company-table/pause", null).status())
        .isEqualTo(403);
  }
}
