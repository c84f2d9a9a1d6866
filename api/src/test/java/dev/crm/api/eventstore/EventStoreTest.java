package dev.crm.api.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.domain.contact.ContactEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The event store and token store are Axon's JDBC ones on PostgreSQL (never a silent in-memory
 * fallback), events carry their audit metadata, snapshots are taken, and a token reset replays
 * through the real token store.
 */
@TestPropertySource(properties = "crm.snapshots.contact-every=3")
class EventStoreTest extends ApiTestSupport {
  @Autowired EventStore eventStore;
  @Autowired EventStorageEngine storageEngine;
  @Autowired TokenStore tokenStore;
  @Autowired EventProcessingConfiguration processing;
  @Autowired JdbcTemplate jdbc;

  @Test
  void eventsAndTokensLiveInPostgres() {
    assertThat(eventStore).isInstanceOf(EmbeddedEventStore.class);
    assertThat(storageEngine).isInstanceOf(JdbcEventStorageEngine.class);
    assertThat(tokenStore).isInstanceOf(JdbcTokenStore.class);
    for (String group : List.of("contact-table", "company-table", "campaign-table")) {
      EventProcessor processor = processing.eventProcessor(group).orElseThrow();
      assertThat(processor).as(group).isInstanceOf(PooledStreamingEventProcessor.class);
    }
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));

    assertThat(
            jdbc.queryForObject(
                "select count(*) from domainevententry where aggregateidentifier = ?",
                Long.class,
                id))
        .isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "select count(*) from tokenentry where processorname = 'contact-table'",
                            Long.class))
                    .isPositive());
  }

  @Test
  void everyEventCarriesTenantActorAndRequestId() {
    Tenant t = newTenant();
    String editorKeyId = keyId(t.editor());
    String requestId = "req-" + UUID.randomUUID();

    Response created =
        t.editor()
            .header("X-Request-Id", requestId)
            .post("/api/v1/contacts", contact(uniqueEmail()));

    assertThat(created.header("X-Request-Id")).isEqualTo(requestId);
    byte[] raw =
        jdbc.queryForObject(
            "select metadata from domainevententry where aggregateidentifier = ?",
            byte[].class,
            created.json().get("id").asString());
    JsonNode metadata = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
    assertThat(metadata.get("tenantId").asString()).isEqualTo(t.id());
    assertThat(metadata.get("actorId").asString()).isEqualTo(editorKeyId);
    assertThat(metadata.get("requestId").asString()).isEqualTo(requestId);
    assertThat(metadata.has("correlationId")).isTrue();
    assertThat(metadata.has("traceId")).isTrue();
  }

  /**
   * A stored event reads back with its time (parsed once, by ITU, in the storage engine), its
   * payload's class (remembered by the serializer after the first lookup) and the payload's own
   * time to the nanosecond: twice, so the second read goes through the remembered class.
   */
  @Test
  void storedEventsReadBackWithTheirTimeClassAndPayloadTime() throws Exception {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    Map<String, Object> row =
        jdbc.queryForMap(
            "select globalindex, timestamp, convert_from(payload, 'UTF8') as payload"
                + " from domainevententry where aggregateidentifier = ?",
            id);
    long index = ((Number) row.get("globalindex")).longValue();
    Instant stored = DateTimeUtils.parseInstant((String) row.get("timestamp"));
    Instant payloadAt =
        Instant.parse(JSON.readTree((String) row.get("payload")).get("at").asString());
    for (int read = 1; read <= 2; read++) {
      try (BlockingStream<TrackedEventMessage<?>> stream =
          eventStore.openStream(GapAwareTrackingToken.newInstance(index - 1, List.of()))) {
        TrackedEventMessage<?> event = stream.nextAvailable();
        assertThat(event.trackingToken().position()).hasValue(index);
        assertThat(event.getTimestamp()).as("read %d", read).isEqualTo(stored);
        assertThat(event.getPayload()).isInstanceOf(ContactEvent.ContactCreated.class);
        ContactEvent.ContactCreated created = (ContactEvent.ContactCreated) event.getPayload();
        assertThat(created.contactId()).isEqualTo(id);
        assertThat(created.at()).isEqualTo(payloadAt);
      }
    }
  }

  @Test
  void longLivedContactIsSnapshottedAndStillLoads() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    for (int i = 1; i <= 6; i++) {
      Response r = t.editor().patch("/api/v1/contacts/" + id, Map.of("leadScore", i));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "select count(*) from snapshotevententry where aggregateidentifier = ?",
                            Long.class,
                            id))
                    .isPositive());
    Response after =
        t.editor()
            .header("If-Match", "\"6\"")
            .patch("/api/v1/contacts/" + id, Map.of("leadScore", 99));
    assertThat(after.status()).as(after.body()).isEqualTo(200);
    assertThat(after.json().get("version").asLong()).isEqualTo(7);
  }

  @Test
  void resetTokensReplaysThroughTheJdbcTokenStoreAndChangesNothing() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "Before"));
    ApiTestSupport.awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 1);
    PooledStreamingEventProcessor processor =
        processing
            .eventProcessor("contact-table", PooledStreamingEventProcessor.class)
            .orElseThrow();

    processor.shutDown();
    processor.resetTokens();
    assertThat(
            jdbc.queryForList(
                "select tokentype from tokenentry where processorname = 'contact-table'",
                String.class))
        .isNotEmpty()
        .allSatisfy(type -> assertThat(type).endsWith("ReplayToken"));
    processor.start();
    // A replay ends with the first event past the reset position, so write one.
    assertThat(t.editor().patch("/api/v1/contacts/" + id, Map.of("firstName", "After")).status())
        .isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(processor.isRunning()).isTrue();
              assertThat(processor.isError()).isFalse();
              assertThat(processor.processingStatus()).isNotEmpty();
              assertThat(processor.processingStatus().values())
                  .allSatisfy(status -> assertThat(status.isReplaying()).isFalse());
              Response read = t.viewer().get("/api/v1/contacts/" + id);
              assertThat(read.status()).isEqualTo(200);
              assertThat(read.json().get("version").asLong()).isEqualTo(2);
              assertThat(read.json().get("firstName").asString()).isEqualTo("After");
              assertThat(read.json().get("lastName").asString()).isEqualTo("Smith");
            });
  }

  /** The key id is the middle part of {@code crm_<id>_<secret>}. */
  private static String keyId(Client client) {
    return client.key().split("_")[1];
  }
}
