package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/** Starting, following, pausing and resuming rebuilds through the operations API. */
abstract class RebuildTestSupport extends ApiTestSupport {

  protected Response startRebuild(String readModel) {
    return platformAdmin().post("/api/v1/admin/rebuilds", Map.of("readModel", readModel));
  }

  /** Follows a rebuild until it completes; answers the views seen on the way. */
  protected List<JsonNode> awaitCompleted(String id) {
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Response r = platformAdmin().get("/api/v1/admin/rebuilds/" + id);
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              seen.add(r.json());
              assertThat(r.json().get("state").asString()).isNotEqualTo("failed");
              assertThat(r.json().get("state").asString()).isEqualTo("completed");
            });
    return seen;
  }

  /**
   * Pauses a rebuild, checks that it stays paused and cannot be paused twice, and resumes it. A
   * tiny event store may be rebuilt before the pause lands: then it can no longer pause.
   */
  protected void pauseAndResume(String id) {
    Response paused = platformAdmin().post("/api/v1/admin/rebuilds/" + id + "/pause", null);
    if (paused.status() == 200) {
      assertThat(paused.json().get("state").asString()).isEqualTo("paused");
      sleep(1500);
      JsonNode still = platformAdmin().get("/api/v1/admin/rebuilds/" + id).json();
      assertThat(still.get("state").asString()).isEqualTo("paused");
      assertThat(platformAdmin().post("/api/v1/admin/rebuilds/" + id + "/pause", null).status())
          .isEqualTo(409);
      Response resumed = platformAdmin().post("/api/v1/admin/rebuilds/" + id + "/resume", null);
      assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    } else {
      assertThat(paused.status()).isEqualTo(409);
    }
  }

  /**
   * Runs a rebuild of {@code readModel} to completion while one thread writes (one {@code write}
   * every 50 ms) and another reads ({@code read} every 20 ms answers a problem, or null), then
   * checks that no read had a problem, that the rebuild could not be started twice, and that its
   * progress went to 100%. Answers the rebuild's id.
   */
  protected String rebuildUnderLoad(String readModel, IntConsumer write, Supplier<String> read)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> readProblems = new ConcurrentLinkedQueue<>();
    AtomicInteger reads = new AtomicInteger();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; running.get(); i++) {
                    write.accept(i);
                    sleep(50);
                  }
                });
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (running.get()) {
                    String problem = read.get();
                    reads.incrementAndGet();
                    if (problem != null) {
                      readProblems.add(problem);
                    }
                    sleep(20);
                  }
                });
    Response started = startRebuild(readModel);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asString();
    assertThat(startRebuild(readModel).status()).as("one rebuild at a time").isEqualTo(409);
    List<JsonNode> seen = awaitCompleted(id);
    sleep(1000);
    running.set(false);
    writer.join();
    reader.join();

    assertThat(readProblems).as("reads during the rebuild and its switch").isEmpty();
    assertThat(reads.get()).isGreaterThan(10);
    assertThat(seen)
        .anySatisfy(v -> assertThat(v.get("state").asString()).isIn("building", "switching"));
    assertThat(seen.getLast().get("percent").asDouble()).isEqualTo(100.0);
    return id;
  }

  protected static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
