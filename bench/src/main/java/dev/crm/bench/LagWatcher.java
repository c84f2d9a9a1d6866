package dev.crm.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures projection lag: from a command's answer until the read table shows the version it
 * answered. One thread asks for all pending rows in one query per millisecond, so watching adds one
 * light query to the database instead of one per command in flight.
 */
final class LagWatcher implements AutoCloseable {
  private record Pending(long version, long answeredNanos) {}

  private final Connection connection;
  private final UUID tenant;
  private final Latency lag;
  private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Exception failure;

  LagWatcher(Connection connection, UUID tenant, Latency lag) {
    this.connection = connection;
    this.tenant = tenant;
    this.lag = lag;
    this.thread = Thread.ofPlatform().name("lag-watcher").daemon().start(this::loop);
  }

  void expect(UUID id, long version, long answeredNanos) {
    pending.merge(
        id,
        new Pending(version, answeredNanos),
        (old, now) -> old.version() >= now.version() ? old : now);
  }

  void awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty()) {
      if (failure != null) {
        throw new IllegalStateException("lag watcher failed", failure);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            pending.size() + " commands not visible in the read table after " + timeout);
      }
      Thread.sleep(5);
    }
  }

  private void loop() {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select id, version from contact where tenant_id = ? and id = any(?)")) {
      while (running) {
        if (pending.isEmpty()) {
          Thread.sleep(1);
          continue;
        }
        Array ids = connection.createArrayOf("uuid", pending.keySet().toArray());
        ps.setObject(1, tenant);
        ps.setArray(2, ids);
        long now;
        try (ResultSet rs = ps.executeQuery()) {
          now = System.nanoTime();
          while (rs.next()) {
            UUID id = rs.getObject(1, UUID.class);
            long version = rs.getLong(2);
            Pending p = pending.get(id);
            if (p != null && version >= p.version() && pending.remove(id, p)) {
              lag.recordNanos(now - p.answeredNanos());
            }
          }
        }
        Thread.sleep(1);
      }
    } catch (SQLException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws SQLException, InterruptedException {
    running = false;
    thread.join(2_000);
    connection.close();
  }
}
