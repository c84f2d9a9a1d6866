package dev.crm.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.crm.api.auth.Caller;
import dev.crm.infra.cache.ReadCacheProperties;
import dev.crm.infra.cache.RedisLink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.client.RedisException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Request limits per API key (by its role) and per tenant, shared by every node through Redisson's
 * rate limiter (a sliding window in Redis). While Redis is unreachable requests are let through and
 * counted ({@code crm.ratelimit.unenforced}): losing the shared store must not take the API down.
 *
 * <p>Large budgets are leased: a node takes {@code lease-fraction} of a budget from Redis in one
 * call and counts requests against it in memory until it is used up or {@code lease-time} has
 * passed. Permits left in an expired lease are forfeited; permits leased late in one window and
 * spent in the next second can exceed a sliding window by at most one lease per node. A budget of
 * 500 per 10 s thus costs Redis one call per five requests, not one per request. Budgets under
 * {@code 1 / lease-fraction} lease one permit at a time, which is exact.
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
  private final Cache<String, Lease> leases;

  @Autowired
  public RateLimits(
      RedisLink redis,
      RateLimitProperties properties,
      ReadCacheProperties cache,
      MeterRegistry meters) {
    this(redis, properties, cache, meters, Ticker.systemTicker());
  }

  RateLimits(
      RedisLink redis,
      RateLimitProperties properties,
      ReadCacheProperties cache,
      MeterRegistry meters,
      Ticker clock) {
    this.redis = redis;
    this.leases =
        Caffeine.newBuilder()
            .expireAfterWrite(properties.leaseTime())
            .maximumSize(100_000)
            .ticker(clock)
            .build();
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
      CompletableFuture<Grant> keyGrant = key.acquire();
      CompletableFuture<Grant> tenantGrant =
          tenant == null ? CompletableFuture.completedFuture(Grant.UNLIMITED) : tenant.acquire();
      Grant k = keyGrant.join();
      Grant t = tenantGrant.join();
      if (!k.allowed()) {
        // A request its key may not send takes nothing from its tenant's budget.
        if (tenant != null && t.allowed()) {
          tenant.giveBack(t);
        }
        rejected.increment();
        return new Decision(false, keyLimit, 0, windowSeconds());
      }
      if (!t.allowed()) {
        rejected.increment();
        return new Decision(false, properties.perTenant(), 0, windowSeconds());
      }
      // The budget that runs out first is the one the client needs to know about.
      boolean tenantTighter = t.left() < k.left();
      long limit = tenantTighter ? properties.perTenant() : keyLimit;
      long remaining = Math.max(0, tenantTighter ? t.left() : k.left());
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
    return new Limiter(key, redis.client().getRateLimiter(key), permits);
  }

  /** One request's share of a budget: whether it may go, and how much the budget has left. */
  private record Grant(boolean allowed, long left, Lease lease) {
    static final Grant UNLIMITED = new Grant(true, Long.MAX_VALUE, null);
    static final Grant REFUSED = new Grant(false, 0, null);
  }

  /**
   * Permits this node took from Redis and hands out locally; {@code redisLeft} is what the budget
   * had left in Redis when they were taken.
   */
  private static final class Lease {
    private final AtomicLong unused;
    private final long redisLeft;

    Lease(long unused, long redisLeft) {
      this.unused = new AtomicLong(unused);
      this.redisLeft = redisLeft;
    }

    /** Takes one permit; the permits left in the budget as this node sees it, or -1 when none. */
    long take() {
      long n = unused.decrementAndGet();
      if (n < 0) {
        unused.incrementAndGet();
        return -1;
      }
      return redisLeft + n;
    }
  }

  private final class Limiter {
    private final String name;
    private final RRateLimiter limiter;
    private final long permits;
    private final long leaseSize;

    Limiter(String name, RRateLimiter limiter, long permits) {
      this.name = name;
      this.limiter = limiter;
      this.permits = permits;
      this.leaseSize = properties.leaseSize(permits);
    }

    CompletableFuture<Grant> acquire() {
      if (leaseSize > 1) {
        Lease lease = leases.getIfPresent(name);
        long left = lease == null ? -1 : lease.take();
        if (left >= 0) {
          return CompletableFuture.completedFuture(new Grant(true, left, lease));
        }
      }
      return tryAcquire(leaseSize)
          .thenCompose(
              ok ->
                  ok || leaseSize == 1
                      ? CompletableFuture.completedFuture(ok ? leaseSize : 0L)
                      // Fewer permits left than a lease: the last ones go one by one.
                      : tryAcquire(1).thenApply(one -> one ? 1L : 0L))
          .thenCompose(
              taken -> {
                if (taken == 0) {
                  return CompletableFuture.completedFuture(Grant.REFUSED);
                }
                return left()
                    .thenApply(
                        redisLeft -> {
                          Lease lease = null;
                          if (taken > 1) {
                            // Requests that found the lease empty at the same moment each took
                            // one: their permits join, none is dropped with a replaced lease.
                            lease =
                                leases
                                    .asMap()
                                    .merge(
                                        name,
                                        new Lease(taken - 1, redisLeft),
                                        (old, fresh) -> {
                                          old.unused.addAndGet(fresh.unused.get());
                                          return old;
                                        });
                          }
                          return new Grant(true, redisLeft + taken - 1, lease);
                        });
              });
    }

    /** Returns a permit its request did not use: to the lease it came from, or else to Redis. */
    void giveBack(Grant grant) {
      if (grant.lease() != null) {
        grant.lease().unused.incrementAndGet();
      } else {
        limiter.releaseAsync(1);
      }
    }

    private CompletableFuture<Boolean> tryAcquire(long n) {
      return limiter
          .tryAcquireAsync(n)
          .toCompletableFuture()
          .exceptionallyCompose(
              e -> {
                // An expired limiter has lost its rate too; set it again and retry once.
                if (String.valueOf(rootMessage(e)).contains("not initialized")) {
                  return limiter
                      .trySetRateAsync(RateType.OVERALL, permits, properties.window(), keepAlive)
                      .toCompletableFuture()
                      .thenCompose(set -> limiter.tryAcquireAsync(n).toCompletableFuture());
                }
                return CompletableFuture.failedFuture(e);
              });
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
