package dev.crm.api.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.ApiTestSupport.Client;
import dev.crm.api.ApiTestSupport.Response;
import dev.crm.api.ApiTestSupport.Tenant;
import dev.crm.infra.cache.ReadCacheProperties;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes of one installation (two application contexts on the same database and Redis): they
 * share the second cache level, and a change projected on either retires the other's first level.
 */
class TwoNodeCacheTest {

  static ConfigurableApplicationContext node() {
    return ApiTestSupport.startNode();
  }

  static Client client(ConfigurableApplicationContext node, String key) {
    return ApiTestSupport.client(node, key);
  }

  @Test
  void nodesShareTheSecondLevelAndRetireEachOthersFirstLevel() {
    try (ConfigurableApplicationContext a = node();
        ConfigurableApplicationContext b = node()) {
      Tenant t = ApiTestSupport.newTenant(client(a, ApiTestSupport.PLATFORM_KEY));
      Client editorA = client(a, t.editor().key());
      Client viewerA = client(a, t.viewer().key());
      Client viewerB = client(b, t.viewer().key());
      // The creation retires the contact's cached reads just after its row is visible: an answer
      // cached in between carries the generation before it and is (rightly) a miss afterwards. So
      // node A caches only once that invalidation has gone out to the nodes.
      Queue<String> invalidations = new ConcurrentLinkedQueue<>();
      RTopic topic =
          a.getBean(RedissonClient.class)
              .getTopic(
                  a.getBean(ReadCacheProperties.class).keyPrefix() + "invalidations",
                  StringCodec.INSTANCE);
      int listener =
          topic.addListener(String.class, (channel, message) -> invalidations.add(message));
      String id =
          ApiTestSupport.create(
              editorA, "/api/v1/contacts", ApiTestSupport.contact(ApiTestSupport.uniqueEmail()));
      String path = "/api/v1/contacts/" + id;
      await()
          .atMost(ApiTestSupport.PROJECTION)
          .until(() -> invalidations.stream().anyMatch(m -> m.contains(id)));
      topic.removeListener(listener);

      ApiTestSupport.awaitVersion(viewerA, path, 0);
      Response firstOnA = ApiTestSupport.awaitCached(viewerA, path);
      Response onB = viewerB.get(path);
      assertThat(onB.header("X-Cache")).as("node B finds what node A cached").isEqualTo("hit-l2");
      assertThat(onB.body()).isEqualTo(firstOnA.body());
      assertThat(viewerB.get(path).header("X-Cache")).isEqualTo("hit-l1");

      // A change written and projected through node A: node B stops answering the old version
      // from its memory without waiting out the ten-minute lifetime.
      Response patched = editorA.patch(path, Map.of("firstName", "Renamed"));
      assertThat(patched.status()).as(patched.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(viewerB.get(path).json().get("firstName").asString())
                      .isEqualTo("Renamed"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(viewerA.get(path).json().get("firstName").asString())
                      .isEqualTo("Renamed"));

      // And the other way round: a change through node B retires node A's memory level.
      ApiTestSupport.awaitCached(viewerA, path);
      Client editorB = client(b, t.editor().key());
      assertThat(editorB.patch(path, Map.of("firstName", "Again")).status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(viewerA.get(path).json().get("firstName").asString())
                      .isEqualTo("Again"));
    }
  }
}
