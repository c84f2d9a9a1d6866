package dev.crm.projections.shared;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the pooled streaming processors as soon as new events can be read.
 *
 * <p>A {@code PooledStreamingEventProcessor} whose stream does not support an availability callback
 * (the {@code EmbeddedEventStore} does not; only Axon Server's does) re-reads its stream on a
 * hard-coded 500 ms timer, so every projection lags a command by up to half a second. Streams
 * opened through {@link #wrap} accept the callback; one watcher thread tails the event store (its
 * shared in-memory cache, which the store refills right after each local commit and every fetch
 * delay for other nodes' events) and calls every registered callback when events arrive, and at
 * least every {@link #IDLE_TICK} so an idle processor still runs as often as before.
 */
final class EventArrivalSignal {
  private static final Logger log = LoggerFactory.getLogger(EventArrivalSignal.class);

  /** Same cadence as Axon's own fallback poll: idle processors do no more work than before. */
  static final Duration IDLE_TICK = Duration.ofMillis(500);

  private static final int SKIP_PER_SIGNAL = 1000;

  private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
  private StreamableMessageSource<TrackedEventMessage<?>> source;
  private Thread watcher;
  private volatile boolean stopped;

  /** Every processor reads the same event store; the first caller's source is watched. */
  synchronized StreamableMessageSource<TrackedEventMessage<?>> wrap(
      StreamableMessageSource<TrackedEventMessage<?>> eventStore) {
    if (source == null) {
      source = eventStore;
    }
    return new SignalledSource(eventStore);
  }

  synchronized void stop() {
    stopped = true;
    if (watcher != null) {
      watcher.interrupt();
    }
  }

  private synchronized void ensureWatching() {
    if (watcher == null && !stopped) {
      watcher = Thread.ofPlatform().daemon().name("event-arrival-signal").start(this::watch);
    }
  }

  private void watch() {
    BlockingStream<TrackedEventMessage<?>> stream = null;
    while (!stopped) {
      try {
        if (stream == null) {
          stream = source.openStream(source.createHeadToken());
        }
        boolean arrived =
            stream.hasNextAvailable((int) IDLE_TICK.toMillis(), TimeUnit.MILLISECONDS);
        callbacks.forEach(EventArrivalSignal::runQuietly);
        // Skip what arrived; the next loop signals again for anything newer.
        for (int i = 0; arrived && i < SKIP_PER_SIGNAL && stream.hasNextAvailable(); i++) {
          stream.nextAvailable();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        if (stopped) {
          break;
        }
        log.warn("Watching the event store for new events failed; retrying in a second", e);
        closeQuietly(stream);
        stream = null;
        callbacks.forEach(EventArrivalSignal::runQuietly);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    closeQuietly(stream);
  }

  private static void runQuietly(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      // A processor shutting down may refuse to schedule; it re-registers when it starts again.
      log.debug("An event-arrival callback failed", e);
    }
  }

  private static void closeQuietly(BlockingStream<?> stream) {
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        log.debug("Closing the watched stream failed", e);
      }
    }
  }

  private final class SignalledSource implements StreamableMessageSource<TrackedEventMessage<?>> {
    private final StreamableMessageSource<TrackedEventMessage<?>> delegate;

    private SignalledSource(StreamableMessageSource<TrackedEventMessage<?>> delegate) {
      this.delegate = delegate;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
      return new SignalledStream(delegate.openStream(token));
    }

    @Override
    public TrackingToken createTailToken() {
      return delegate.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
      return delegate.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
      return delegate.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
      return delegate.createTokenSince(duration);
    }
  }

  private final class SignalledStream implements BlockingStream<TrackedEventMessage<?>> {
    private final BlockingStream<TrackedEventMessage<?>> delegate;
    private volatile Runnable callback;

    private SignalledStream(BlockingStream<TrackedEventMessage<?>> delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean setOnAvailableCallback(Runnable callback) {
      Runnable previous = this.callback;
      if (previous != null) {
        callbacks.remove(previous);
      }
      this.callback = callback;
      callbacks.add(callback);
      ensureWatching();
      return true;
    }

    @Override
    public Optional<TrackedEventMessage<?>> peek() {
      return delegate.peek();
    }

    @Override
    public boolean hasNextAvailable() {
      return delegate.hasNextAvailable();
    }

    @Override
    public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
      return delegate.hasNextAvailable(timeout, unit);
    }

    @Override
    public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
      return delegate.nextAvailable();
    }

    @Override
    public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
      delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
    }

    @Override
    public void close() {
      Runnable registered = callback;
      if (registered != null) {
        callbacks.remove(registered);
      }
      delegate.close();
    }
  }
}
