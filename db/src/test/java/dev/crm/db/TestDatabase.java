package dev.crm.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds the real PostgreSQL the tests run against: the local one that {@code bin/services up}
 * provides, else a Testcontainers one where a Docker engine exists. With neither, tests fail with a
 * message that says what to run; they never pass without a database.
 */
public final class TestDatabase {
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/crm_test";

  private static volatile Coordinates coordinates;

  /** JDBC coordinates of a database the tests may write to. */
  public record Coordinates(String url, String user, String password) {
    public Connection connect() throws SQLException {
      Properties props = new Properties();
      props.setProperty("user", user);
      props.setProperty("password", password);
      props.setProperty("connectTimeout", "3");
      return DriverManager.getConnection(url, props);
    }
  }

  private TestDatabase() {}

  public static synchronized Coordinates get() {
    if (coordinates == null) {
      coordinates = locate();
    }
    return coordinates;
  }

  private static Coordinates locate() {
    Coordinates local =
        new Coordinates(
            env("CRM_TEST_DB_URL", DEFAULT_URL),
            env("CRM_TEST_DB_USER", "crm"),
            env("CRM_TEST_DB_PASSWORD", "crm"));
    SQLException localFailure;
    try (Connection ignored = local.connect()) {
      return local;
    } catch (SQLException e) {
      localFailure = e;
    }
    if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
      container.start();
      return new Coordinates(
          container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    throw new IllegalStateException(
        "PostgreSQL is not reachable at "
            + local.url()
            + " ("
            + localFailure.getMessage()
            + ") and there is no Docker engine for Testcontainers. Run `bin/services up`"
            + " (or run the suite with `bin/crm test`, which does) and try again.",
        localFailure);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
