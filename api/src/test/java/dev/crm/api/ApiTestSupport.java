package dev.crm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.db.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the whole service on a random port against the real PostgreSQL and talks to it over HTTP, as
 * a client would. Each test makes its own tenants, so tests never see each other's data.
 */
@SpringBootTest(
    classes = CrmApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestSupport {
  /** The platform-admin key of the test installation, as CRM_BOOTSTRAP_ADMIN_KEY would set it. */
  public static final String PLATFORM_KEY = "test-platform-admin-key-0123456789";

  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @LocalServerPort protected int port;

  @org.springframework.beans.factory.annotation.Autowired
  private org.springframework.jdbc.core.JdbcTemplate supportJdbc;

  /**
   * The test database outlives each test class: a class that died while it had a processor paused
   * or a rebuild under way must not leave later classes with it.
   */
  @org.junit.jupiter.api.BeforeEach
  void nothingLeftPausedOrRebuildingByEarlierTests() {
    supportJdbc.update("delete from processor_control");
    supportJdbc.update(
        "update read_model_rebuild set state = 'failed', failure = 'left over by an earlier test'"
            + " where state in ('building', 'paused', 'switching')");
  }

  /**
   * No test may leave an event parked as a dead letter: a projection would have skipped it
   * silently. (Tests that park events on purpose retry or discard them.) The letters are removed so
   * that the next test starts clean, and named in the failure.
   */
  @org.junit.jupiter.api.AfterEach
  void noEventWasParkedAsADeadLetter() {
    java.util.List<String> parked =
        supportJdbc.queryForList(
            "delete from deadletterentry returning processinggroup || ': ' || payloadtype || ': '"
                + " || coalesce(causetype, '') || ' ' || coalesce(causemessage, '')",
            String.class);
    assertThat(parked).as("events parked as dead letters").isEmpty();
  }

  @DynamicPropertySource
  static void realServices(DynamicPropertyRegistry registry) {
    TestDatabase.Coordinates db = TestDatabase.get();
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
    registry.add("CRM_BOOTSTRAP_ADMIN_KEY", () -> PLATFORM_KEY);
    // The real Elasticsearch that bin/services runs; tests keep to indexes of their own.
    registry.add("crm.search.index-prefix", () -> SEARCH_INDEX_PREFIX);
    // A test's read waits for its own write; when a fresh index is being rebuilt from the test
    // database's earlier events, that can take longer than the service's default 5 s.
    registry.add("crm.consistency.max-wait", () -> "PT60S");
  }

  public static final String SEARCH_INDEX_PREFIX = "crm-test";

  /** An HTTP answer: status, headers and the body parsed as JSON (or null when empty). */
  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonNode json() {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }

  /** A request builder bound to one API key. */
  public static final class Client {
    private final IntSupplier port;
    private final String key;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public Client(IntSupplier port, String key) {
      this.port = port;
      this.key = key;
    }

    /** A client for the same service with another key. */
    public Client withKey(String otherKey) {
      return new Client(port, otherKey);
    }

    /** The API key this client sends. */
    public String key() {
      return key;
    }

    public Client header(String name, String value) {
      Client copy = new Client(port, key);
      copy.headers.putAll(headers);
      copy.headers.put(name, value);
      return copy;
    }

    public Response get(String path) {
      return send("GET", path, null);
    }

    public Response post(String path, Object body) {
      return send("POST", path, body);
    }

    public Response put(String path, Object body) {
      return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
      return send("PATCH", path, body);
    }

    public Response delete(String path) {
      return send("DELETE", path, null);
    }

    /** A multipart POST with a JSON part {@code options} and a file part {@code file}. */
    public Response upload(String path, String optionsJson, byte[] file) {
      String boundary = "crm-" + UUID.randomUUID();
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"options\"\r\n"
                  + "Content-Type: application/json\r\n\r\n"
                  + optionsJson
                  + "\r\n")
              .getBytes(utf8));
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\";"
                  + " filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(utf8));
      body.writeBytes(file);
      body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(utf8));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
              .header("Content-Type", "multipart/form-data; boundary=" + boundary);
      if (key != null) {
        request.header("Authorization", "Bearer " + key);
      }
      headers.forEach(request::header);
      return exchange(request);
    }

    public Response send(String method, String path, Object body) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(
                          body instanceof String s ? s : JSON.writeValueAsString(body)));
      if (key != null) {
        request.header("Authorization", "Bearer " + key);
      }
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      headers.forEach(request::header);
      return exchange(request);
    }

    private Response exchange(HttpRequest.Builder request) {
      try {
        HttpResponse<String> response =
            CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers(), response.body());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** A fresh tenant with one key per role. */
  public record Tenant(String id, Client admin, Client editor, Client viewer) {}

  protected Client as(String key) {
    return new Client(() -> port, key);
  }

  protected Client anonymous() {
    return as(null);
  }

  protected Client platformAdmin() {
    return as(PLATFORM_KEY);
  }

  protected Tenant newTenant() {
    return newTenant(platformAdmin());
  }

  /** Creates a tenant through the API, with an admin, an editor and a viewer key. */
  public static Tenant newTenant(Client platformAdmin) {
    Response created =
        platformAdmin.post("/api/v1/admin/tenants", Map.of("name", "Tenant " + UUID.randomUUID()));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Client admin = platformAdmin.withKey(created.json().get("adminKey").asString());
    return new Tenant(
        created.json().get("id").asString(),
        admin,
        admin.withKey(issueKey(admin, "editor")),
        admin.withKey(issueKey(admin, "viewer")));
  }

  protected static String issueKey(Client admin, String role) {
    Response key = admin.post("/api/v1/api-keys", Map.of("name", role + " key", "role", role));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    return key.json().get("key").asString();
  }

  /** Creates a record and returns its id, asserting the 201 a client relies on. */
  public static String create(Client client, String path, Object body) {
    Response r = client.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** Projections are asynchronous; a read that follows a write waits at most this long. */
  public static final Duration PROJECTION = Duration.ofSeconds(10);

  /** The consistency token a command answered, asserting the header and body agree. */
  public static String consistencyToken(Response commandAnswer) {
    String token = commandAnswer.header("X-Consistency-Token");
    assertThat(token).as(commandAnswer.body()).isNotBlank();
    assertThat(commandAnswer.json().get("consistencyToken").asString()).isEqualTo(token);
    return token;
  }

  /** Reads {@code path} until the read model shows {@code version}; answers that read. */
  public static Response awaitVersion(Client client, String path, long version) {
    return awaitRead(
        client, path, r -> assertThat(r.json().get("version").asLong()).isEqualTo(version));
  }

  /**
   * Reads {@code path} until the answer comes from the read cache. The first reads after a write
   * can miss: the projection retires cached answers just after its commit, so an answer cached in
   * between is retired too.
   */
  public static Response awaitCached(Client client, String path) {
    return awaitRead(client, path, r -> assertThat(r.header("X-Cache")).startsWith("hit-"));
  }

  /** Reads {@code path} until it answers 200 and {@code check} holds; answers that read. */
  public static Response awaitRead(Client client, String path, Consumer<Response> check) {
    AtomicReference<Response> last = new AtomicReference<>();
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response r = client.get(path);
              last.set(r);
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              check.accept(r);
            });
    return last.get();
  }

  /**
   * Starts another instance of the service on the test database, as an operator would start a node:
   * command-line arguments, so they win over application.yml.
   */
  public static ConfigurableApplicationContext startNode() {
    TestDatabase.Coordinates db = TestDatabase.get();
    return new SpringApplicationBuilder(CrmApplication.class)
        .run(
            "--server.port=0",
            "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password(),
            "--CRM_BOOTSTRAP_ADMIN_KEY=" + PLATFORM_KEY,
            "--crm.search.index-prefix=" + SEARCH_INDEX_PREFIX);
  }

  /** A client of a node {@link #startNode} started. */
  public static Client client(ConfigurableApplicationContext node, String key) {
    int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    return new Client(() -> port, key);
  }

  public static Map<String, Object> contact(String email) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("firstName", "John");
    body.put("lastName", "Smith");
    body.put("email", email);
    return body;
  }

  public static String uniqueEmail() {
    return "p" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }
}
