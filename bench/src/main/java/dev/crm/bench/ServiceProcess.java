package dev.crm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service under test, run from its packaged jar as a child process on a fresh database, so a
 * benchmark measures what an operator would deploy and starts from the same empty state each time.
 */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final URI base;
  private final Path log;

  private ServiceProcess(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  /** Drops and re-creates {@code database}; Flyway migrates it when the service starts. */
  static void recreateDatabase(Database db) throws SQLException, InterruptedException {
    try (Connection c = DriverManager.getConnection(db.url("postgres"), db.user(), db.password());
        Statement s = c.createStatement()) {
      // An autovacuum worker busy in the old database cannot be terminated by its owner; it
      // finishes or yields within seconds, so the drop is retried for a while.
      for (int attempt = 1; ; attempt++) {
        try {
          s.execute("DROP DATABASE IF EXISTS \"" + db.name() + "\" WITH (FORCE)");
          break;
        } catch (SQLException e) {
          if (attempt == 60) {
            throw e;
          }
          Thread.sleep(1_000);
        }
      }
      s.execute("CREATE DATABASE \"" + db.name() + "\"");
    }
  }

  /** Deletes the search indexes of {@code prefix}, so the run starts from empty ones too. */
  static void dropIndexes(URI elasticsearch, String prefix) throws IOException {
    try (Http http = Http.create(Duration.ofMinutes(1))) {
      var list =
          http.get(elasticsearch.resolve("/_cat/indices/" + prefix + "-*?h=index&format=json"));
      if (list.status() != 200) {
        throw new IllegalStateException(
            "Elasticsearch at " + elasticsearch + " answered " + list.status());
      }
      for (var index : CrmClient.JSON.readTree(list.body())) {
        http.delete(elasticsearch.resolve("/" + index.get("index").asText()));
      }
    }
  }

  static ServiceProcess start(
      Path jar,
      Database db,
      URI elasticsearch,
      String indexPrefix,
      int port,
      Path keyFile,
      Path log,
      String javaOpts,
      List<String> extraArgs,
      PrintStream out)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    if (javaOpts != null && !javaOpts.isBlank()) {
      cmd.addAll(List.of(javaOpts.trim().split("\\s+")));
    }
    cmd.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--server.port=" + port,
            "--spring.datasource.url=" + db.url(db.name()),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password(),
            "--crm.bootstrap-key-file=" + keyFile,
            "--crm.search.url=" + elasticsearch,
            "--crm.search.index-prefix=" + indexPrefix,
            // The benchmark's clients send as fast as the service answers, far past the limits a
            // tenant gets; the limiter still runs on every request, so its cost is measured.
            "--crm.rate-limit.per-key.admin=1000000000",
            "--crm.rate-limit.per-key.editor=1000000000",
            "--crm.rate-limit.per-key.viewer=1000000000",
            "--crm.rate-limit.per-key.platform_admin=1000000000",
            "--crm.rate-limit.per-tenant=1000000000",
            "--crm.cache.key-prefix=crm-bench:v1:"));
    cmd.addAll(extraArgs);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    out.printf(
        "[service] starting %s on port %d, database %s (log %s)%n", jar, port, db.name(), log);
    return new ServiceProcess(pb.start(), URI.create("http://127.0.0.1:" + port + "/"), log);
  }

  URI base() {
    return base;
  }

  void awaitHealthy(Duration timeout) throws InterruptedException {
    try (Http http = Http.create(Duration.ofSeconds(10))) {
      awaitHealthy(http, timeout);
    }
  }

  private void awaitHealthy(Http http, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited at start; see " + log);
      }
      try {
        if (http.get(base.resolve("/actuator/health")).status() == 200) {
          return;
        }
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the service was not healthy within " + timeout + "; see " + log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Where the benchmark's database lives; the service and the SQL references use the same one. */
  record Database(String host, int port, String name, String user, String password) {
    String url(String database) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    Connection connect() throws SQLException {
      return DriverManager.getConnection(url(name), user, password);
    }
  }
}
