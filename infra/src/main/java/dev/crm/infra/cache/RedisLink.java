package dev.crm.infra.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared Redis, and whether this node can reach it. A failed call marks Redis down: callers
 * then skip it (the caches serve from each node's memory and the database, rate limits let requests
 * through) instead of paying a timeout on every request, and one background probe asks Redis every
 * {@code probeInterval} until it answers. Before Redis is used again, the recovery steps run (the
 * read cache drops what it may have missed); if they fail, Redis stays down.
 *
 * <p>Hand-written rather than a circuit-breaker library: the recovery steps must run, and succeed,
 * before the first request uses Redis again, which a breaker's half-open trial call does not give.
 */
public final class RedisLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  /** What a cache or limiter does when Redis goes away and when it is back. */
  public interface Listener {
    /** Called once when Redis is marked down. */
    void down();

    /**
     * Called on the probe thread when Redis answers again, before it is marked up; a {@link
     * RedisException} keeps it down and the probe tries again later.
     */
    void recovering();
  }

  private final RedissonClient redis;
  private final String probeKey;
  private final Duration probeInterval;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService prober =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("redis-probe").factory());
  private final Counter failures;

  public RedisLink(
      RedissonClient redis, String keyPrefix, Duration probeInterval, MeterRegistry meters) {
    this.redis = redis;
    this.probeKey = keyPrefix + "probe";
    this.probeInterval = probeInterval;
    this.failures =
        Counter.builder("crm.redis.failures")
            .description("Redis calls that failed; each one may mark Redis down")
            .register(meters);
    Gauge.builder("crm.cache.degraded", up, u -> u.get() ? 0 : 1)
        .description("1 while Redis is unreachable and the caches run on each node's memory alone")
        .register(meters);
  }

  public RedissonClient client() {
    return redis;
  }

  public boolean isUp() {
    return up.get();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Records a failed call; the first failure marks Redis down and starts the probe. */
  public void failed(String what, Throwable e) {
    failures.increment();
    if (up.compareAndSet(true, false)) {
      // The message only: Redisson's exceptions name the address, never a password.
      log.warn(
          "Redis unreachable ({}: {}); serving from this node's memory and the database until it"
              + " answers again",
          what,
          e.getMessage());
      listeners.forEach(RedisLink::notifyDown);
      prober.schedule(this::probe, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static void notifyDown(Listener l) {
    try {
      l.down();
    } catch (RuntimeException e) {
      log.warn("a Redis listener failed while going down", e);
    }
  }

  private void probe() {
    try {
      redis.getBucket(probeKey, StringCodec.INSTANCE).isExists();
      for (Listener l : listeners) {
        l.recovering();
      }
      up.set(true);
      log.info("Redis answers again; the shared cache and rate limits are back");
    } catch (RedisException e) {
      failures.increment();
      prober.schedule(this::probe, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      log.warn("Redis recovery failed; trying again", e);
      prober.schedule(this::probe, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
