package dev.crm.api.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Campaigns and their state machine over HTTP. */
class CampaignApiTest extends ApiTestSupport {

  @Test
  void campaignRunsThroughItsLifecycle() {
    Tenant t = newTenant();
    String id =
        create(
            t.editor(), "/api/v1/campaigns", Map.of("name", "Spring launch", "channel", "email"));
    String base = "/api/v1/campaigns/" + id;

    assertThat(
            t.editor()
                .post(
                    base + "/schedule",
                    Map.of("startAt", Instant.now().plusSeconds(3600).toString()))
                .status())
        .isEqualTo(200);
    assertThat(t.editor().post(base + "/launch", null).status()).isEqualTo(200);
    assertThat(t.editor().post(base + "/pause", null).status()).isEqualTo(200);
    assertThat(t.editor().post(base + "/resume", null).status()).isEqualTo(200);
    Response completed = t.editor().post(base + "/complete", null);

    assertThat(completed.json().get("version").asLong()).isEqualTo(5);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(t.viewer().get(base).json().get("state").asString())
                    .isEqualTo("COMPLETED"));
    assertThat(t.viewer().get("/api/v1/campaigns?state=completed").json().get("items")).hasSize(1);
  }

  @Test
  void forbiddenTransitionNamesTheCurrentState() {
    Tenant t = newTenant();
    String id =
        create(t.editor(), "/api/v1/campaigns", Map.of("name", "Too early", "channel", "sms"));

    Response refused = t.editor().post("/api/v1/campaigns/" + id + "/launch", null);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().get("currentState").asString()).isEqualTo("DRAFT");
    assertThat(refused.json().get("detail").asString()).contains("DRAFT");
  }

  @Test
  void cancelledCampaignCannotBeResumed() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/campaigns", Map.of("name", "Gone", "channel", "ads"));
    assertThat(t.editor().post("/api/v1/campaigns/" + id + "/cancel", null).status())
        .isEqualTo(200);

    Response refused = t.editor().post("/api/v1/campaigns/" + id + "/resume", null);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("currentState").asString()).isEqualTo("CANCELLED");
  }

  @Test
  void scheduleInThePastIsRefusedNamingStartAt() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/campaigns", Map.of("name", "Late", "channel", "email"));

    Response refused =
        t.editor()
            .post(
                "/api/v1/campaigns/" + id + "/schedule",
                Map.of("startAt", Instant.now().minusSeconds(60).toString()));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("startAt");
  }
}
