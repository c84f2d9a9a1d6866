package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The operator's view of the event processors, read from the real token and event stores. */
class ProcessorStatusTest extends ApiTestSupport {
  @Autowired EventProcessingConfiguration processing;

  private JsonNode processor(String name) {
    Response r = platformAdmin().get("/api/v1/admin/processors");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode p : r.json().get("processors")) {
      if (p.get("name").asString().equals(name)) {
        return p;
      }
    }
    throw new AssertionError(name + " is not listed: " + r.body());
  }

  @Test
  void everyProcessorIsListedWithItsSegmentsAndCatchesUpToTheHead() {
    Tenant t = newTenant();
    create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));

    Response r = platformAdmin().get("/api/v1/admin/processors");
    List<String> names = new ArrayList<>();
    r.json().get("processors").forEach(p -> names.add(p.get("name").asString()));
    assertThat(names).contains("contact-table", "company-table", "campaign-table", "search");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode contacts = processor("contact-table");
              assertThat(contacts.get("lagEvents").asLong()).isZero();
              assertThat(contacts.get("position").asLong())
                  .isEqualTo(contacts.get("head").asLong());
              assertThat(contacts.get("lagSeconds").asDouble()).isZero();
              assertThat(contacts.get("replaying").asBoolean()).isFalse();
              assertThat(contacts.get("errors")).isEmpty();
              assertThat(contacts.get("deadLetters").asInt()).isZero();
              assertThat(contacts.get("segments")).hasSize(2);
              assertThat(contacts.get("segments"))
                  .allSatisfy(
                      s -> {
                        assertThat(s.get("owner").asString()).isNotBlank();
                        assertThat(s.get("claimedHere").asBoolean()).isTrue();
                      });
            });
  }

  @Test
  void aStoppedProcessorShowsItsLagInEventsAndSecondsUntilItCatchesUp() {
    Tenant t = newTenant();
    // On a fresh database the processor has no position until it has seen an event.
    create(t.editor(), "/api/v1/companies", Map.of("name", "Before"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(processor("company-table").get("position").isNull()).isFalse());
    StreamingEventProcessor companies =
        processing.eventProcessor("company-table", StreamingEventProcessor.class).orElseThrow();
    companies.shutdownAsync().join();
    try {
      create(t.editor(), "/api/v1/companies", Map.of("name", "Initech"));
      create(t.editor(), "/api/v1/companies", Map.of("name", "Globex"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode p = processor("company-table");
                assertThat(p.get("lagEvents").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(p.get("lagSeconds").asDouble()).isGreaterThanOrEqualTo(1.0);
                assertThat(p.get("runningHere").asBoolean()).isFalse();
              });
    } finally {
      companies.start();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode p = processor("company-table");
              assertThat(p.get("runningHere").asBoolean()).isTrue();
              assertThat(p.get("lagEvents").asLong()).isZero();
            });
  }

  @Test
  void onlyThePlatformAdminSeesProcessors() {
    Tenant t = newTenant();
    Response r = t.admin().get("/api/v1/admin/processors");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }
}
