package dev.crm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport.Client;
import dev.crm.api.ApiTestSupport.Tenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Stops the service and starts it again on the same database, as an operator would: processors
 * resume from their stored tokens, so old events are not projected again, and new commands project
 * as before.
 */
class RestartTest {

  private static ConfigurableApplicationContext start() {
    return ApiTestSupport.startNode();
  }

  private static Client platformAdmin(ConfigurableApplicationContext context) {
    return ApiTestSupport.client(context, ApiTestSupport.PLATFORM_KEY);
  }

  /** The stored position of each contact-table segment (the index of its gap-aware token). */
  private static List<Long> positions(ConfigurableApplicationContext context) {
    return context
        .getBean(JdbcTemplate.class)
        .queryForList(
            "select token from tokenentry where processorname = 'contact-table' order by segment",
            byte[].class)
        .stream()
        .map(t -> ApiTestSupport.JSON.readTree(t).get("index").asLong())
        .toList();
  }

  @Test
  void restartProjectsNothingTwiceAndKeepsProjecting() {
    String id;
    JsonNode before;
    String editorKey;
    String viewerKey;
    List<Long> positionsAtStop;
    try (ConfigurableApplicationContext first = start()) {
      Tenant t = ApiTestSupport.newTenant(platformAdmin(first));
      editorKey = t.editor().key();
      viewerKey = t.viewer().key();
      id =
          ApiTestSupport.create(
              t.editor(), "/api/v1/contacts", ApiTestSupport.contact(ApiTestSupport.uniqueEmail()));
      t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "Before"));
      before = ApiTestSupport.awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 1).json();

      first
          .getBean(org.axonframework.config.EventProcessingConfiguration.class)
          .eventProcessor("contact-table")
          .orElseThrow()
          .shutDown();
      positionsAtStop = positions(first);
    }

    try (ConfigurableApplicationContext second = start()) {
      Client editor = platformAdmin(second).withKey(editorKey);
      Client viewer = platformAdmin(second).withKey(viewerKey);
      assertThat(positionsAtStop).isNotEmpty().allSatisfy(p -> assertThat(p).isPositive());
      List<Long> resumed = positions(second);
      assertThat(resumed).as("processors resume where they stopped").hasSameSizeAs(positionsAtStop);
      for (int i = 0; i < resumed.size(); i++) {
        assertThat(resumed.get(i)).isGreaterThanOrEqualTo(positionsAtStop.get(i));
      }

      JsonNode after = viewer.get("/api/v1/contacts/" + id).json();
      assertThat(after.get("version").asLong()).isEqualTo(1);
      assertThat(after.get("updatedAt")).isEqualTo(before.get("updatedAt"));

      assertThat(editor.patch("/api/v1/contacts/" + id, Map.of("firstName", "After")).status())
          .isEqualTo(200);
      JsonNode read = ApiTestSupport.awaitVersion(viewer, "/api/v1/contacts/" + id, 2).json();
      assertThat(read.get("firstName").asString()).isEqualTo("After");
    }
  }
}
