package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The performance summary an operator reads: latency per endpoint, statements, cache hits. */
class PerformanceSummaryTest extends ApiTestSupport {

  @Test
  void summaryShowsEndpointPercentilesStatementsAndCacheHitRatios() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    awaitVersion(t.viewer(), "/api/v1/contacts/" + id, 0);
    awaitCached(t.viewer(), "/api/v1/contacts/" + id);
    for (int i = 0; i < 20; i++) {
      assertThat(t.viewer().get("/api/v1/contacts/" + id).status()).isEqualTo(200);
    }

    assertThat(t.admin().get("/api/v1/admin/performance").status()).isEqualTo(403);
    Response summary = platformAdmin().get("/api/v1/admin/performance");
    assertThat(summary.status()).as(summary.body()).isEqualTo(200);
    JsonNode detail = endpoint(summary.json(), "GET", "/api/v1/contacts/{id}");
    assertThat(detail.get("requests").asLong()).isGreaterThanOrEqualTo(22);
    assertThat(detail.get("p50Ms").asDouble()).isPositive();
    assertThat(detail.get("p99Ms").asDouble())
        .isGreaterThanOrEqualTo(detail.get("p95Ms").asDouble())
        .isGreaterThanOrEqualTo(detail.get("p50Ms").asDouble());
    // Most of those reads were cache hits, which run no SQL at all.
    assertThat(detail.get("dbStatementsPerRequest").asDouble()).isBetween(0.0, 0.5);
    JsonNode create = endpoint(summary.json(), "POST", "/api/v1/contacts");
    assertThat(create.get("dbStatementsPerRequest").asDouble()).isGreaterThanOrEqualTo(1.0);

    JsonNode details = null;
    for (JsonNode c : summary.json().get("caches")) {
      if (c.get("cache").asString().equals("detail")) {
        details = c;
      }
    }
    assertThat(details).isNotNull();
    assertThat(details.get("l1Hits").asLong()).isGreaterThanOrEqualTo(20);
    assertThat(details.get("hitRatio").asDouble()).isBetween(0.5, 1.0);
    assertThat(summary.json().get("cacheDegraded").asBoolean()).isFalse();
  }

  private static JsonNode endpoint(JsonNode summary, String method, String uri) {
    for (JsonNode e : summary.get("endpoints")) {
      if (e.get("method").asString().equals(method) && e.get("uri").asString().equals(uri)) {
        return e;
      }
    }
    throw new AssertionError("no " + method + " " + uri + " in " + summary);
  }
}
