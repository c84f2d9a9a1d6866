package dev.crm.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Jdbc;
import org.junit.jupiter.api.Test;

/**
 * The jOOQ classes are committed, generated from the Flyway migrations on a real PostgreSQL. This
 * test migrates a scratch database, generates again and compares: a migration without regenerated
 * classes fails here. {@code bin/crm jooq} (this test with {@code -Djooq.regenerate=true}) writes
 * them into src/generated/java.
 */
class JooqSourcesMatchMigrationsTest {
  private static final Path COMMITTED = Path.of("src/generated/java");

  @Test
  void generatedClassesMatchTheMigrations() throws Exception {
    boolean regenerate = Boolean.getBoolean("jooq.regenerate");
    Path target = regenerate ? COMMITTED : Path.of("target/jooq-check");
    TestDatabase.Coordinates db = TestDatabase.get();
    String scratch = "crm_codegen_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + scratch);
    }
    try {
      TestDatabase.Coordinates scratchDb =
          new TestDatabase.Coordinates(
              db.url().substring(0, db.url().lastIndexOf('/') + 1) + scratch,
              db.user(),
              db.password());
      Flyway.configure()
          .dataSource(scratchDb.url(), scratchDb.user(), scratchDb.password())
          .load()
          .migrate();
      deleteRecursively(target);
      Configuration config;
      try (InputStream in = Files.newInputStream(Path.of("jooq-codegen.xml"))) {
        config = GenerationTool.load(in);
      }
      config.withJdbc(
          new Jdbc()
              .withDriver("org.postgresql.Driver")
              .withUrl(scratchDb.url())
              .withUser(scratchDb.user())
              .withPassword(scratchDb.password()));
      config.getGenerator().getTarget().setDirectory(target.toString());
      GenerationTool.generate(config);
    } finally {
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
      }
    }

    assertThat(contents(target))
        .as("jOOQ classes in %s are stale: run `bin/crm jooq` and commit the result", COMMITTED)
        .isEqualTo(contents(COMMITTED));
  }

  private static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .filter(Files::isRegularFile)
          .forEach(
              p -> {
                try {
                  files.put(root.relativize(p).toString(), Files.readString(p));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return files;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }
}
