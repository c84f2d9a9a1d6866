package dev.crm.api.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Health, metrics and the API description, as an operator and a client developer see them. */
class OperationsTest extends ApiTestSupport {

  @Test
  void healthIsPublicAndReportsTheDatabase() {
    Response health = anonymous().get("/actuator/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asString()).isEqualTo("UP");
  }

  @Test
  void prometheusNeedsThePlatformKeyAndExportsProcessorMetrics() {
    Tenant t = newTenant();
    create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));

    assertThat(anonymous().get("/actuator/prometheus").status()).isEqualTo(401);
    assertThat(t.admin().get("/actuator/prometheus").status()).isEqualTo(403);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Response metrics = platformAdmin().get("/actuator/prometheus");
              assertThat(metrics.status()).isEqualTo(200);
              assertThat(metrics.body())
                  .containsPattern("eventProcessor_latency\\{.*processorName=\"contact-table\"")
                  .contains("commandBus");
            });
  }

  @Test
  void openApiDescribesEveryEndpointAndItsErrors() {
    Response docs = anonymous().get("/v3/api-docs");

    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.json().get("paths");
    assertThat(paths.propertyNames())
        .contains(
            "/api/v1/contacts",
            "/api/v1/contacts/{id}",
            "/api/v1/companies/{id}",
            "/api/v1/campaigns/{id}/launch",
            "/api/v1/admin/tenants",
            "/api/v1/api-keys");
    JsonNode patch = paths.get("/api/v1/contacts/{id}").get("patch").get("responses");
    assertThat(patch.propertyNames()).contains("200", "400", "401", "403", "404", "409", "412");
    assertThat(patch.get("412").get("content").has("application/problem+json")).isTrue();
    assertThat(docs.json().get("components").get("securitySchemes").has("apiKey")).isTrue();
  }

  @Test
  void swaggerUiIsServed() {
    assertThat(anonymous().get("/swagger-ui/index.html").status()).isEqualTo(200);
  }
}
