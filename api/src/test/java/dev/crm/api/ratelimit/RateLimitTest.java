package dev.crm.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Request limits per API key and per tenant, kept in the real Redis. */
class RateLimitTest extends ApiTestSupport {

  @DynamicPropertySource
  static void smallLimits(DynamicPropertyRegistry registry) {
    registry.add("crm.rate-limit.window", () -> "30s");
    registry.add("crm.rate-limit.per-key.viewer", () -> "5");
    registry.add("crm.rate-limit.per-tenant", () -> "10");
  }

  @Test
  void aKeyOverItsRoleLimitGets429WithRetryAfter() {
    Tenant t = newTenant();
    for (int i = 0; i < 5; i++) {
      Response ok = t.viewer().get("/api/v1/contacts?limit=1");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(ok.header("RateLimit-Limit")).isEqualTo("5");
      assertThat(ok.header("RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
      assertThat(ok.header("RateLimit-Reset")).isEqualTo("30");
    }
    Response refused = t.viewer().get("/api/v1/contacts?limit=1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("30");
    assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().get("status").asInt()).isEqualTo(429);
    assertThat(refused.json().get("detail").asString()).contains("5 requests in 30 s");
    assertThat(refused.body()).doesNotContain("Exception");

    // The tenant's editor key has a budget of its own, up to the tenant's 10 in all (its admin made
    // two
    // requests when it set the tenant up).
    for (int i = 0; i < 3; i++) {
      assertThat(t.editor().get("/api/v1/contacts?limit=1").status()).isEqualTo(200);
    }
    Response tenantFull = t.editor().get("/api/v1/contacts?limit=1");
    assertThat(tenantFull.status()).isEqualTo(429);
    assertThat(tenantFull.header("RateLimit-Limit")).isEqualTo("10");

    // Another tenant is not held back by this one.
    Tenant other = newTenant();
    assertThat(other.viewer().get("/api/v1/contacts?limit=1").status()).isEqualTo(200);
  }
}
