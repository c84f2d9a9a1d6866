package dev.crm.api.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import dev.crm.api.ApiTestSupport.Client;
import dev.crm.api.ApiTestSupport.Response;
import dev.crm.api.ApiTestSupport.Tenant;
import dev.crm.api.CrmApplication;
import dev.crm.db.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Kills the service (SIGKILL, a real process) in the middle of an import, starts it again, and
 * checks the job ends with exact counts: no contact lost, none created twice.
 */
class ImportCrashRecoveryTest {
  private static final int ROWS = 12_000;

  /** Every this many rows carries a bad email, so failures are counted too. */
  private static final int BAD_EVERY = 97;

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts the service as its own OS process, on the test classpath. */
  private static Process start(int port, String name) throws IOException {
    TestDatabase.Coordinates db = TestDatabase.get();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrmApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--CRM_BOOTSTRAP_ADMIN_KEY=" + ApiTestSupport.PLATFORM_KEY,
                "--crm.imports.batch-size=200",
                "--crm.imports.lease=PT3S")
            .redirectErrorStream(true)
            .redirectOutput(new File("target/" + name + ".log"))
            .start();
    Client probe = new Client(() -> port, null);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(process.isAlive())
                  .as("service process exited; see target/" + name + ".log")
                  .isTrue();
              assertThat(probe.get("/actuator/health").status()).isEqualTo(200);
            });
    return process;
  }

  private static String file() {
    StringBuilder csv = new StringBuilder("firstName,lastName,email,tags\n");
    for (int i = 1; i <= ROWS; i++) {
      String email = i % BAD_EVERY == 0 ? "broken-" + i : "crash" + i + "@example.com";
      csv.append("First")
          .append(i)
          .append(",Last")
          .append(i)
          .append(',')
          .append(email)
          .append(",t")
          .append(i % 5)
          .append('\n');
    }
    return csv.toString();
  }

  private static long count(String sql, Object... args) throws SQLException {
    try (Connection c = TestDatabase.get().connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  void importKilledMidwayResumesAfterRestartWithExactCounts() throws Exception {
    long bad = ROWS / BAD_EVERY;
    int port = freePort();
    Process first = start(port, "crash-first");
    Tenant t;
    String jobId;
    try {
      t = ApiTestSupport.newTenant(new Client(() -> port, ApiTestSupport.PLATFORM_KEY));
      Response upload =
          t.editor()
              .upload(
                  "/api/v1/imports",
                  "{\"format\":\"csv\",\"dedupe\":\"skip\"}",
                  file().getBytes(StandardCharsets.UTF_8));
      assertThat(upload.status()).as(upload.body()).isEqualTo(202);
      jobId = upload.json().get("id").asString();
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () ->
                  assertThat(
                          t.viewer()
                              .get("/api/v1/imports/" + jobId)
                              .json()
                              .get("rowsRead")
                              .asLong())
                      .isGreaterThanOrEqualTo(1000));
    } finally {
      first.destroyForcibly().waitFor();
    }
    JsonNode atKill = readJob(jobId);
    assertThat(atKill.get("state").asString()).as("killed before the end").isEqualTo("running");

    int secondPort = freePort();
    Process second = start(secondPort, "crash-second");
    try {
      Client viewer = new Client(() -> secondPort, t.viewer().key());
      JsonNode job = ImportApiTest.awaitFinished(viewer, jobId, Duration.ofSeconds(240));
      assertThat(job.get("state").asString()).isEqualTo("completed");
      assertThat(job.get("rowsRead").asLong()).isEqualTo(ROWS);
      assertThat(job.get("rowsSucceeded").asLong()).isEqualTo(ROWS - bad);
      assertThat(job.get("rowsFailed").asLong()).isEqualTo(bad);
      List<String> errors =
          viewer.get("/api/v1/imports/" + jobId + "/errors").body().lines().skip(1).toList();
      assertThat(errors).hasSize((int) bad).allSatisfy(l -> assertThat(l).contains(",email,"));

      UUID tenant = UUID.fromString(t.id());
      assertThat(count("select count(*) from contact_email_claim where tenant_id = ?", tenant))
          .isEqualTo(ROWS - bad);
      assertThat(
              count(
                  "select count(*) from domainevententry where type = 'Contact' and sequencenumber = 0"
                      + " and convert_from(metadata, 'UTF8')::jsonb ->> 'requestId' = ?",
                  "import:" + jobId))
          .as("one ContactCreated per good row")
          .isEqualTo(ROWS - bad);
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () ->
                  assertThat(count("select count(*) from contact where tenant_id = ?", tenant))
                      .isEqualTo(ROWS - bad));
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private static JsonNode readJob(String jobId) throws SQLException {
    try (Connection c = TestDatabase.get().connect();
        PreparedStatement s =
            c.prepareStatement("select state, rows_read from import_job where id = ?")) {
      s.setObject(1, UUID.fromString(jobId));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return ApiTestSupport.JSON.valueToTree(
            java.util.Map.of("state", r.getString(1), "rowsRead", r.getLong(2)));
      }
    }
  }
}
