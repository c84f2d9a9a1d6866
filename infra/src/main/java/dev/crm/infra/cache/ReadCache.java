package dev.crm.infra.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.BatchOptions;
import org.redisson.api.RAtomicLongAsync;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BaseStatusListener;
import org.redisson.client.RedisException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two cache levels for API reads: each node's memory (Caffeine) in front of the shared Redis.
 *
 * <p><b>Validity by generation.</b> Every entry belongs to a {@link CacheScope} and carries the
 * scope's generation as it was when the entry was read, <em>before</em> the read model was queried.
 * A projection that changed a scope bumps its generation after its transaction commits, so every
 * entry read under an older generation is dead at once, however many there are, and an answer
 * computed from data older than the change can never be cached as current: it carries the older
 * generation. Redis holds the generations ({@code INCR}, one round trip for a batch of scopes); a
 * pub/sub message carries the new values to every node's memory. A second-level read is one {@code
 * MGET} of the epoch, the generation and the entry.
 *
 * <p><b>Epoch.</b> One counter over everything. A node that could not reach Redis while its
 * projections changed data bumps it when Redis answers again, which retires every entry any node
 * cached before: invalidations it could not deliver are covered. After a reconnect every node also
 * drops its memory level, since pub/sub messages sent meanwhile are lost.
 *
 * <p><b>Without Redis</b> ({@link RedisLink} down) entries live in each node's memory only, for a
 * short lifetime ({@code degradedTtl}): other nodes' invalidations cannot arrive then, so that
 * lifetime bounds how stale an answer can be. This node's own projections still invalidate its
 * memory directly.
 */
public final class ReadCache implements RedisLink.Listener {
  private static final Logger log = LoggerFactory.getLogger(ReadCache.class);

  /** A cached answer, or what the caller needs to cache the answer it computes. */
  public sealed interface Lookup {}

  /** An answer from memory ({@code l1}) or from Redis ({@code l2}). */
  public record Hit(CachedResponse response, String layer) implements Lookup {}

  /** No valid entry; {@link #store} caches the computed answer under what was read here. */
  public record Miss(String key, CacheScope scope, long epoch, long generation, boolean degraded)
      implements Lookup {}

  private record Entry(long epoch, long generation, CachedResponse response, Duration lifetime) {}

  private final RedisLink link;
  private final RedissonClient redis;
  private final String prefix;
  private final String epochKey;
  private final RTopic topic;
  private final Map<CacheFamily, Duration> lifetimes;
  private final Duration longest;
  private final Duration degradedLifetime;
  private final Map<CacheFamily, Cache<String, Entry>> memory = new EnumMap<>(CacheFamily.class);
  private final Cache<String, Long> generations;
  private final AtomicBoolean missedInvalidations = new AtomicBoolean();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile long epoch;
  private final Map<CacheFamily, Counters> counters = new EnumMap<>(CacheFamily.class);

  /** Sizes and lifetimes of one cache. */
  public record Settings(Duration lifetime, long memoryBytes) {}

  public ReadCache(
      RedisLink link,
      String keyPrefix,
      Map<CacheFamily, Settings> settings,
      Duration degradedLifetime,
      MeterRegistry meters) {
    this.link = link;
    this.redis = link.client();
    this.prefix = keyPrefix;
    this.epochKey = keyPrefix + "epoch";
    this.topic = redis.getTopic(keyPrefix + "invalidations", StringCodec.INSTANCE);
    this.degradedLifetime = degradedLifetime;
    this.lifetimes = new EnumMap<>(CacheFamily.class);
    Duration max = Duration.ZERO;
    for (CacheFamily family : CacheFamily.values()) {
      Settings s = Objects.requireNonNull(settings.get(family), family.id());
      lifetimes.put(family, s.lifetime());
      max = max.compareTo(s.lifetime()) < 0 ? s.lifetime() : max;
      Counters c = new Counters(family, meters);
      counters.put(family, c);
      Cache<String, Entry> cache =
          Caffeine.newBuilder()
              .maximumWeight(s.memoryBytes())
              .weigher((String k, Entry e) -> e.response().weight())
              .expireAfter(Expiry.creating((String k, Entry e) -> e.lifetime()))
              .evictionListener((String k, Entry e, RemovalCause cause) -> c.evicted(cause))
              .build();
      memory.put(family, cache);
      Gauge.builder("crm.cache.size", cache, Cache::estimatedSize)
          .tags("cache", family.id(), "layer", "l1")
          .description("entries in this node's memory level")
          .register(meters);
    }
    this.longest = max;
    // Generations of scopes this node has seen, newest value wins; bounded, and an evicted one
    // only makes its entries unverifiable (a miss), never valid.
    this.generations = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(max).build();
    link.addListener(this);
    try {
      subscribe();
    } catch (RedisException e) {
      link.failed("cache subscription", e);
    }
  }

  /** The entry for one read: {@code variant} names it within its scope (path and parameters). */
  public Lookup lookup(CacheScope scope, String variant) {
    Counters c = counters.get(scope.family());
    String key = entryKey(scope, variant);
    Cache<String, Entry> first = memory.get(scope.family());
    Entry e = first.getIfPresent(key);
    if (e != null) {
      Long current = generations.getIfPresent(scope.key());
      if (e.epoch() == epoch && current != null && current == e.generation()) {
        c.l1Hit.increment();
        return new Hit(e.response(), "l1");
      }
      first.invalidate(key);
      if (current != null) {
        c.l1Invalidated.increment();
      }
    }
    c.l1Miss.increment();
    if (!link.isUp()) {
      return degradedMiss(key, scope);
    }
    String generationKey = generationKey(scope);
    Map<String, byte[]> found;
    try {
      found = redis.getBuckets(ByteArrayCodec.INSTANCE).get(epochKey, generationKey, key);
    } catch (RedisException ex) {
      link.failed("cache read", ex);
      return degradedMiss(key, scope);
    }
    long currentEpoch = number(found.get(epochKey));
    adopt(currentEpoch);
    long generation = number(found.get(generationKey));
    long known = generations.asMap().merge(scope.key(), generation, Math::max);
    byte[] value = found.get(key);
    if (value != null) {
      CachedResponse.Stamped s = CachedResponse.decode(value);
      if (s != null && s.epoch() == currentEpoch && s.generation() == generation) {
        c.l2Hit.increment();
        if (known == generation) {
          first.put(
              key,
              new Entry(currentEpoch, generation, s.response(), lifetimes.get(scope.family())));
        }
        return new Hit(s.response(), "l2");
      }
      c.l2Invalidated.increment();
    }
    c.l2Miss.increment();
    return new Miss(key, scope, currentEpoch, generation, false);
  }

  /** Caches an answer computed after {@code miss}. */
  public void store(Miss miss, CachedResponse response) {
    boolean shared = !miss.degraded() && link.isUp();
    Duration lifetime = shared ? lifetimes.get(miss.scope().family()) : degradedLifetime;
    memory
        .get(miss.scope().family())
        .put(miss.key(), new Entry(miss.epoch(), miss.generation(), response, lifetime));
    if (!shared) {
      return;
    }
    try {
      redis
          .getBucket(miss.key(), ByteArrayCodec.INSTANCE)
          .setAsync(response.encode(miss.epoch(), miss.generation()), lifetime)
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  link.failed("cache write", e);
                }
              });
    } catch (RedisException e) {
      link.failed("cache write", e);
    }
  }

  /**
   * Retires every entry of these scopes, on every node: call after the transaction that changed
   * them committed, so a read that misses afterwards sees the change.
   */
  public void invalidate(Collection<CacheScope> scopes) {
    if (scopes.isEmpty()) {
      return;
    }
    for (CacheScope scope : scopes) {
      // Only scopes this node knows: one it does not know has no valid entry here, and a lookup
      // racing this bump keeps the larger value whether it or the pub/sub message lands first.
      generations.asMap().computeIfPresent(scope.key(), (k, g) -> g + 1);
      counters.get(scope.family()).invalidations.increment();
    }
    if (!link.isUp()) {
      missedInvalidations.set(true);
      return;
    }
    try {
      RBatch batch = redis.createBatch(BatchOptions.defaults());
      List<RFuture<Long>> bumped = new ArrayList<>(scopes.size());
      for (CacheScope scope : scopes) {
        RAtomicLongAsync generation = batch.getAtomicLong(generationKey(scope));
        bumped.add(generation.incrementAndGetAsync());
        // An entry never outlives the generation it was read under (see lookup: absent is 0).
        generation.expireAsync(longest);
      }
      batch.execute();
      StringBuilder message = new StringBuilder();
      int i = 0;
      for (CacheScope scope : scopes) {
        message
            .append("g ")
            .append(scope.key())
            .append(' ')
            .append(bumped.get(i++).toCompletableFuture().join())
            .append('\n');
      }
      topic.publish(message.toString());
    } catch (RedisException e) {
      missedInvalidations.set(true);
      link.failed("cache invalidation", e);
    }
  }

  /**
   * Retires every entry on every node (a new epoch): for a change no scope names, such as a read
   * model swapped for a rebuilt one. Without Redis, this node's memory is dropped and the epoch is
   * bumped when Redis answers again.
   */
  public void retireAll(String reason) {
    dropMemory();
    if (!link.isUp()) {
      missedInvalidations.set(true);
      return;
    }
    try {
      long next = redis.getAtomicLong(epochKey).incrementAndGet();
      adopt(next);
      topic.publish("epoch " + next);
      log.info("cache epoch {}: every cached read is retired ({})", next, reason);
    } catch (RedisException e) {
      missedInvalidations.set(true);
      link.failed("cache epoch", e);
    }
  }

  @Override
  public void down() {
    dropMemory();
  }

  @Override
  public void recovering() {
    subscribe();
    if (missedInvalidations.get()) {
      long next = redis.getAtomicLong(epochKey).incrementAndGet();
      topic.publish("epoch " + next);
      missedInvalidations.set(false);
      log.info("cache epoch {}: entries cached before Redis went away are retired", next);
    }
    dropMemory();
  }

  private Miss degradedMiss(String key, CacheScope scope) {
    return new Miss(key, scope, epoch, generations.get(scope.key(), k -> 0L), true);
  }

  private void subscribe() {
    if (subscribed.get()) {
      return;
    }
    topic.addListener(String.class, (channel, message) -> onMessage(message));
    // Also fires after Redisson resubscribes on a new connection: messages sent in between are
    // lost, so the memory level starts over.
    topic.addListener(
        new BaseStatusListener() {
          @Override
          public void onSubscribe(String channel) {
            dropMemory();
          }
        });
    subscribed.set(true);
  }

  private void onMessage(String message) {
    for (String line : message.split("\n")) {
      String[] parts = line.split(" ");
      try {
        if (parts.length == 3 && parts[0].equals("g")) {
          generations.asMap().merge(parts[1], Long.parseLong(parts[2]), Math::max);
        } else if (parts.length == 2 && parts[0].equals("epoch")) {
          adopt(Long.parseLong(parts[1]));
        }
      } catch (NumberFormatException e) {
        log.warn("ignored a malformed cache invalidation message");
      }
    }
  }

  private synchronized void adopt(long current) {
    if (current != epoch) {
      dropMemory();
      epoch = current;
    }
  }

  private void dropMemory() {
    generations.invalidateAll();
    memory.values().forEach(Cache::invalidateAll);
  }

  private String entryKey(CacheScope scope, String variant) {
    return prefix
        + "r:"
        + scope.tenantId()
        + ":"
        + scope.family().id()
        + ":"
        + digest(scope.name() + "\n" + variant);
  }

  private String generationKey(CacheScope scope) {
    return prefix + "g:" + scope.key();
  }

  private static long number(byte[] value) {
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String digest(String s) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Hits, misses and evictions of one cache, per level. */
  private static final class Counters {
    final Counter l1Hit;
    final Counter l1Miss;
    final Counter l2Hit;
    final Counter l2Miss;
    final Counter l1Invalidated;
    final Counter l2Invalidated;
    final Counter l1Expired;
    final Counter l1Size;
    final Counter invalidations;

    Counters(CacheFamily family, MeterRegistry meters) {
      l1Hit = gets(meters, family, "l1", "hit");
      l1Miss = gets(meters, family, "l1", "miss");
      l2Hit = gets(meters, family, "l2", "hit");
      l2Miss = gets(meters, family, "l2", "miss");
      l1Invalidated = evictions(meters, family, "l1", "invalidated");
      l2Invalidated = evictions(meters, family, "l2", "invalidated");
      l1Expired = evictions(meters, family, "l1", "expired");
      l1Size = evictions(meters, family, "l1", "size");
      invalidations =
          Counter.builder("crm.cache.invalidations")
              .tag("cache", family.id())
              .description("scope generations bumped by projections")
              .register(meters);
    }

    void evicted(RemovalCause cause) {
      switch (cause) {
        case EXPIRED -> l1Expired.increment();
        case SIZE, COLLECTED -> l1Size.increment();
        default -> {}
      }
    }

    private static Counter gets(MeterRegistry m, CacheFamily f, String layer, String result) {
      return Counter.builder("crm.cache.gets")
          .tags("cache", f.id(), "layer", layer, "result", result)
          .description("cache lookups per level: a second-level lookup follows a first-level miss")
          .register(m);
    }

    private static Counter evictions(MeterRegistry m, CacheFamily f, String layer, String cause) {
      return Counter.builder("crm.cache.evictions")
          .tags("cache", f.id(), "layer", layer, "cause", cause)
          .description("entries dropped: expired, pushed out by size, or found invalidated")
          .register(m);
    }
  }
}
