package dev.crm.api.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.TcpProxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis goes away in the middle of the test and comes back. The service reaches the real Redis
 * through {@link TcpProxy}, which the test closes (connections refused, as from a stopped server)
 * and reopens.
 */
class RedisOutageTest extends ApiTestSupport {
  static final TcpProxy REDIS = TcpProxy.start(6379);

  @DynamicPropertySource
  static void throughTheProxy(DynamicPropertyRegistry registry) {
    registry.add("crm.redis.url", () -> "redis://127.0.0.1:" + REDIS.port());
  }

  @AfterAll
  static void closeProxy() {
    REDIS.close();
  }

  @Test
  void readsAndWritesAnswerWhileRedisIsDownAndTheCacheRecoversWithoutStaleEntries() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String detail = "/api/v1/contacts/" + id;
    String list = "/api/v1/contacts?sort=name&limit=20";
    awaitVersion(t.viewer(), detail, 0);
    awaitCached(t.viewer(), list);
    awaitCached(t.viewer(), detail);
    assertThat(degraded()).isZero();

    REDIS.cut();

    // Every read and write still answers; the cache runs on this node's memory and PostgreSQL.
    for (int i = 0; i < 5; i++) {
      assertThat(t.viewer().get(list).status()).isEqualTo(200);
      assertThat(t.viewer().get(detail).status()).isEqualTo(200);
      // A page this node has not cached yet: the first one finds Redis gone.
      assertThat(t.viewer().get(list + "&order=desc&n=" + i).status()).isEqualTo(200);
    }
    assertThat(degraded()).isEqualTo(1);
    Response patched = t.editor().patch(detail, Map.of("firstName", "DuringOutage"));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    String other = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    Response during = awaitVersion(t.viewer(), detail, 1);
    assertThat(during.json().get("firstName").asString()).isEqualTo("DuringOutage");
    await().atMost(PROJECTION).until(() -> t.viewer().get(list).json().get("items").size() == 2);

    REDIS.restore();

    await().atMost(Duration.ofSeconds(20)).until(() -> degraded() == 0);
    // Redis still holds the answers cached before the outage, which the changes made meanwhile
    // could not retire there; none of them may come back.
    Response after = t.viewer().get(detail);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.json().get("firstName").asString()).isEqualTo("DuringOutage");
    assertThat(t.viewer().get(list).json().get("items")).hasSize(2);
    assertThat(t.viewer().get("/api/v1/contacts/" + other).status()).isEqualTo(200);
    // And the cache is in use again.
    assertThat(awaitCached(t.viewer(), detail).json().get("firstName").asString())
        .isEqualTo("DuringOutage");
  }

  private int degraded() {
    String metrics = platformAdmin().get("/actuator/prometheus").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("crm_cache_degraded"))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no crm_cache_degraded metric"));
  }
}
