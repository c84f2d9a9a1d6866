package dev.crm.api.ratelimit;

import dev.crm.api.auth.Caller;
import dev.crm.infra.cache.ReadCacheProperties;
import dev.crm.infra.cache.RedisLink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.client.RedisException;
import org.springframework.stereotype.Component;

/**
 * Request limits per API key (by its role) and per tenant, shared by every node through Redisson's
 * rate limiter (a sliding window in Redis). While Redis is unreachable requests are let through and
 * counted ({@code crm.ratelimit.unenforced}): losing the shared store must not take the API down.
 */
@Component
public class RateLimits {
  /** What a request may do, and what its answer tells the client about its budget. */
  public record Decision(boolean allowed, long limit, long remaining, long resetSeconds) {}

  private final RedisLink redis;
  private final RateLimitProperties properties;
  private final String prefix;
  private final Duration keepAlive;
  private final Counter rejected;
  private final Counter unenforced;

  public RateLimits(
      RedisLink redis,
      RateLimitProperties properties,
      ReadCacheProperties cache,
      MeterRegistry meters) {
    this.redis = redis;
    this.properties = properties;
    this.prefix = cache.keyPrefix() + "rl:";
    // Limiters of idle keys and tenants expire; every request renews its own.
    this.keepAlive = properties.window().multipliedBy(2);
    this.rejected =
        Counter.builder("crm.ratelimit.rejected")
            .description("requests answered 429")
            .register(meters);
    this.unenforced =
        Counter.builder("crm.ratelimit.unenforced")
            .description("requests let through unchecked because Redis was unreachable")
            .register(meters);
  }

  public boolean enabled() {
    return properties.enabled();
  }

  /** Takes one request from the caller's key and tenant budgets; null when nothing was checked. */
  public Decision take(Caller caller) {
    if (!redis.isUp()) {
      unenforced.increment();
      return null;
    }
    long keyLimit = properties.forRole(caller.role().dbName());
    Limiter key = limiter("key:" + caller.keyId(), keyLimit);
    Limiter tenant =
        caller.tenantId() == null
            ? null
            : limiter("tenant:" + caller.tenantId(), properties.perTenant());
    try {
      // Both budgets at once, and their remainders with them: one wait for Redis, not four.
      CompletableFuture<Boolean> keyOk = key.acquire();
      CompletableFuture<Boolean> tenantOk =
          tenant == null ? CompletableFuture.completedFuture(true) : tenant.acquire();
      CompletableFuture<Long> keyLeft = keyOk.thenCompose(ok -> key.left());
      CompletableFuture<Long> tenantLeft =
          tenant == null
              ? CompletableFuture.completedFuture(Long.MAX_VALUE)
              : tenantOk.thenCompose(ok -> tenant.left());
      if (!keyOk.join()) {
        // A request its key may not send takes nothing from its tenant's budget.
        if (tenant != null && tenantOk.join()) {
          tenant.release();
        }
        rejected.increment();
        return new Decision(false, keyLimit, 0, windowSeconds());
      }
      if (!tenantOk.join()) {
        rejected.increment();
        return new Decision(false, properties.perTenant(), 0, windowSeconds());
      }
      // The budget that runs out first is the one the client needs to know about.
      boolean tenantTighter = tenantLeft.join() < keyLeft.join();
      long limit = tenantTighter ? properties.perTenant() : keyLimit;
      long remaining = Math.max(0, tenantTighter ? tenantLeft.join() : keyLeft.join());
      return new Decision(true, limit, remaining, windowSeconds());
    } catch (CompletionException | RedisException e) {
      redis.failed("rate limit", e.getCause() == null ? e : e.getCause());
      unenforced.increment();
      return null;
    }
  }

  /** When a refused client may try again: a sliding window frees its oldest request by then. */
  public long windowSeconds() {
    return Math.max(1, (properties.window().toMillis() + 999) / 1000);
  }

  private Limiter limiter(String name, long permits) {
    // The rate is part of the name: a changed configuration takes effect at once instead of
    // meeting a limiter that already holds the old rate (Redisson keeps the first one set).
    String key = prefix + name + ":" + permits + "/" + properties.window().toMillis();
    return new Limiter(redis.client().getRateLimiter(key), permits);
  }

  private final class Limiter {
    private final RRateLimiter limiter;
    private final long permits;

    Limiter(RRateLimiter limiter, long permits) {
      this.limiter = limiter;
      this.permits = permits;
    }

    CompletableFuture<Boolean> acquire() {
      return limiter
          .tryAcquireAsync()
          .toCompletableFuture()
          .exceptionallyCompose(
              e -> {
                // An expired limiter has lost its rate too; set it again and retry once.
                if (String.valueOf(rootMessage(e)).contains("not initialized")) {
                  return limiter
                      .trySetRateAsync(RateType.OVERALL, permits, properties.window(), keepAlive)
                      .toCompletableFuture()
                      .thenCompose(set -> limiter.tryAcquireAsync().toCompletableFuture());
                }
                return CompletableFuture.failedFuture(e);
              });
    }

    void release() {
      limiter.releaseAsync(1);
    }

    CompletableFuture<Long> left() {
      return limiter.availablePermitsAsync().toCompletableFuture();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? e.getMessage() : t.getMessage();
  }
}
