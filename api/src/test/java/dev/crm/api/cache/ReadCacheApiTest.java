package dev.crm.api.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The read cache and HTTP caching as a client sees them, against the real Redis. */
class ReadCacheApiTest extends ApiTestSupport {

  @Test
  void aRepeatedReadIsAnsweredFromTheCacheUntilTheContactChanges() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String path = "/api/v1/contacts/" + id;
    Response first = awaitVersion(t.viewer(), path, 0);
    Response second = awaitCached(t.viewer(), path);
    assertThat(second.header("X-Cache")).isEqualTo("hit-l1");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.header("ETag")).isEqualTo("\"0\"");

    Response patched = t.editor().patch(path, Map.of("firstName", "Changed"));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    // No consistency token: the projection's invalidation alone retires the cached answer.
    Response after = awaitVersion(t.viewer(), path, 1);
    assertThat(after.json().get("firstName").asString()).isEqualTo("Changed");
    assertThat(awaitCached(t.viewer(), path).json().get("version").asLong()).isEqualTo(1);
  }

  @Test
  void aReadWithAConsistencyTokenNeverSeesAnOlderCachedAnswer() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String path = "/api/v1/contacts/" + id;
    awaitVersion(t.viewer(), path, 0);
    awaitCached(t.viewer(), path);
    for (int v = 1; v <= 5; v++) {
      Response patched = t.editor().patch(path, Map.of("firstName", "Name" + v));
      Response read = t.viewer().header("X-Consistency-Token", consistencyToken(patched)).get(path);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.header("X-Cache")).isNull();
      assertThat(read.json().get("version").asLong()).isEqualTo(v);
      assertThat(read.json().get("firstName").asString()).isEqualTo("Name" + v);
    }
  }

  @Test
  void listPagesAreCachedPerTenantAndRetiredByAnyNewContact() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    create(a.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String list = "/api/v1/contacts?sort=name&limit=10";
    await().atMost(PROJECTION).until(() -> a.viewer().get(list).json().get("items").size() == 1);
    awaitCached(a.viewer(), list);
    // Same path, another tenant: its own answer, never tenant A's cached page.
    Response other = b.viewer().get(list);
    assertThat(other.header("X-Cache")).isEqualTo("miss");
    assertThat(other.json().get("items")).isEmpty();

    create(a.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    await().atMost(PROJECTION).until(() -> a.viewer().get(list).json().get("items").size() == 2);
  }

  @Test
  void ifNoneMatchAnswers304OnDetailAndList() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    String detail = "/api/v1/contacts/" + id;
    Response read = awaitVersion(t.viewer(), detail, 0);
    assertThat(read.header("Cache-Control")).isEqualTo("private, no-cache");

    Response unchanged = t.viewer().header("If-None-Match", read.header("ETag")).get(detail);
    assertThat(unchanged.status()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();

    String list = "/api/v1/contacts?limit=5";
    Response page = t.viewer().get(list);
    assertThat(page.status()).isEqualTo(200);
    String etag = page.header("ETag");
    assertThat(etag).startsWith("W/\"").endsWith("\"");
    assertThat(t.viewer().header("If-None-Match", etag).get(list).status()).isEqualTo(304);

    t.editor().patch(detail, Map.of("lastName", "Changed"));
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () -> {
              Response changed = t.viewer().header("If-None-Match", etag).get(list);
              assertThat(changed.status()).isEqualTo(200);
              assertThat(changed.header("ETag")).isNotEqualTo(etag);
            });
  }

  @Test
  void largeAnswersAreCompressedForClientsThatAcceptGzip() throws Exception {
    Tenant t = newTenant();
    for (int i = 0; i < 8; i++) {
      create(t.editor(), "/api/v1/contacts", contact(uniqueEmail()));
    }
    String list = "/api/v1/contacts?limit=50";
    await().atMost(PROJECTION).until(() -> t.viewer().get(list).json().get("items").size() == 8);
    HttpResponse<byte[]> gzipped = raw(t.viewer().key(), list, "gzip");
    assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
    byte[] plain = unzip(gzipped.body());
    assertThat(JSON.readTree(plain).get("items")).hasSize(8);
    assertThat(gzipped.body().length).isLessThan(plain.length / 2);

    HttpResponse<byte[]> identity = raw(t.viewer().key(), list, "identity");
    assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(JSON.readTree(identity.body()).get("items")).hasSize(8);

    // Hits too: the cache keeps the page gzipped and sends it so, or unzipped to who refuses gzip.
    HttpResponse<byte[]> gzipHit = raw(t.viewer().key(), list, "gzip;q=1.0, identity;q=0.5");
    assertThat(gzipHit.headers().firstValue("X-Cache"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("hit"));
    assertThat(gzipHit.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(gzipHit.headers().allValues("Vary"))
        .anySatisfy(v -> assertThat(v).contains("Accept-Encoding"));
    assertThat(unzip(gzipHit.body())).isEqualTo(plain);
    HttpResponse<byte[]> refusedGzip = raw(t.viewer().key(), list, "gzip;q=0, identity");
    assertThat(refusedGzip.headers().firstValue("X-Cache"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("hit"));
    assertThat(refusedGzip.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(refusedGzip.body()).isEqualTo(plain);
  }

  private HttpResponse<byte[]> raw(String key, String path, String encoding) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + key)
            .header("Accept-Encoding", encoding)
            .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  private static byte[] unzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
