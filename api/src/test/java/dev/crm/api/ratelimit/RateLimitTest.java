package dev.crm.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.crm.api.ApiTestSupport;
import dev.crm.api.auth.Caller;
import dev.crm.api.auth.Role;
import dev.crm.infra.cache.ReadCacheProperties;
import dev.crm.infra.cache.RedisLink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Request limits per API key and per tenant, kept in the real Redis. */
class RateLimitTest extends ApiTestSupport {
  @Autowired RedisLink redis;
  @Autowired ReadCacheProperties cacheProperties;

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

  /** Nanoseconds the test moves by hand: leases expire when it says so, not when CI is slow. */
  private static final class Clock implements Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }
  }

  private RateLimits node(Clock clock) {
    // Budgets of 1,000 per key and 100,000 per tenant, leased 10 and 1,000 at a time.
    RateLimitProperties properties =
        new RateLimitProperties(
            true,
            Duration.ofMinutes(5),
            Map.of("editor", 1000L),
            100_000,
            0.01,
            Duration.ofSeconds(1));
    return new RateLimits(redis, properties, cacheProperties, new SimpleMeterRegistry(), clock);
  }

  private static int allowed(RateLimits node, Caller caller, int requests) {
    int allowed = 0;
    for (int i = 0; i < requests; i++) {
      RateLimits.Decision d = node.take(caller);
      assertThat(d).as("Redis is up, so every request is checked").isNotNull();
      if (d.allowed()) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void twoNodesLeasingPermitsTogetherLetThroughExactlyTheKeysBudget() {
    Clock clock = new Clock();
    RateLimits a = node(clock);
    RateLimits b = node(clock);
    Caller caller =
        new Caller(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Role.EDITOR);

    int allowed = 0;
    for (int round = 0; round < 120; round++) {
      allowed += allowed(a, caller, 5) + allowed(b, caller, 5);
    }
    assertThat(allowed).as("1,000 allowed of 1,200 sent through two nodes").isEqualTo(1000);
    RateLimits.Decision refused = a.take(caller);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.limit()).isEqualTo(1000);
    assertThat(refused.remaining()).isZero();
  }

  @Test
  void permitsLeftInAnExpiredLeaseAreForfeitedNeverHandedOutTwice() {
    Clock clock = new Clock();
    RateLimits a = node(clock);
    RateLimits b = node(clock);
    Caller caller =
        new Caller(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Role.EDITOR);

    // Node a leases 10 and uses 3; a second later its lease is gone with 7 permits unused.
    assertThat(allowed(a, caller, 3)).isEqualTo(3);
    clock.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
    int allowed = allowed(a, caller, 600) + allowed(b, caller, 600);
    assertThat(allowed).as("the budget less what the expired lease forfeited").isEqualTo(1000 - 10);
  }

  @Test
  void aSmallBudgetIsCountedPermitByPermitAcrossNodes() {
    Clock clock = new Clock();
    RateLimitProperties properties =
        new RateLimitProperties(
            true,
            Duration.ofMinutes(5),
            Map.of("viewer", 50L),
            100_000,
            0.01,
            Duration.ofSeconds(1));
    RateLimits a =
        new RateLimits(redis, properties, cacheProperties, new SimpleMeterRegistry(), clock);
    RateLimits b =
        new RateLimits(redis, properties, cacheProperties, new SimpleMeterRegistry(), clock);
    Caller caller =
        new Caller(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Role.VIEWER);

    assertThat(allowed(a, caller, 1)).isEqualTo(1);
    RateLimits.Decision seenByB = b.take(caller);
    assertThat(seenByB.remaining()).as("node b sees node a's request at once").isEqualTo(48);
    assertThat(allowed(a, caller, 40) + allowed(b, caller, 40)).isEqualTo(48);
  }
}
