package dev.crm.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A client of the service's REST API under one API key. Every call that is not 2xx throws with the
 * problem body, so a generator or benchmark run never counts a failure as work done.
 */
final class CrmClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Http http;
  private final URI base;
  private final Map<String, String> headers;

  CrmClient(Http http, URI base, String apiKey) {
    this.http = http;
    this.base = base;
    this.headers = Map.of("Authorization", "Bearer " + apiKey, "Accept", "application/json");
  }

  /** GETs a large answer (a file) and counts its bytes without keeping them. */
  Http.Drained drain(String path) {
    return http.drain(base.resolve(path), headers);
  }

  CrmClient as(String otherKey) {
    return new CrmClient(http, base, otherKey);
  }

  /**
   * The status and body of a call, for callers that time it or accept non-2xx answers, and the
   * service's {@code X-Cache} header (null when the endpoint is not cached or the cache is off).
   */
  record Answer(int status, String body, String cache) {
    Answer(int status, String body) {
      this(status, body, null);
    }

    boolean cacheHit() {
      return cache != null && cache.startsWith("hit-");
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * One top-level text field of a JSON object (null when absent or null), read by streaming past
     * everything else: the benchmark's readers need only a page's cursor, and a tree of every page
     * would take CPU from the service on the cores they share.
     */
    String topLevelText(String field) {
      try (JsonParser p = JSON.getFactory().createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals(field)) {
            return value == JsonToken.VALUE_STRING ? p.getText() : null;
          }
          p.skipChildren();
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  JsonNode post(String path, Object body) {
    return ok("POST " + path, call("POST", path, body));
  }

  JsonNode get(String path) {
    return ok("GET " + path, call("GET", path, null));
  }

  Answer call(String method, String path, Object body) {
    return http.send(method, base.resolve(path), headers, body == null ? null : json(body));
  }

  /** Uploads a file as an import job: multipart parts {@code options} (JSON) and {@code file}. */
  JsonNode upload(Path file, Object options, String idempotencyKey) throws IOException {
    HttpEntity multipart =
        MultipartEntityBuilder.create()
            .addTextBody("options", JSON.writeValueAsString(options), ContentType.APPLICATION_JSON)
            .addBinaryBody(
                "file",
                file.toFile(),
                ContentType.create("text/csv"),
                file.getFileName().toString())
            .build();
    Map<String, String> withKey = new HashMap<>(headers);
    withKey.put("Idempotency-Key", idempotencyKey);
    return ok(
        "POST /api/v1/imports",
        http.send(
            "POST", base.resolve("/api/v1/imports"), withKey, multipart, Duration.ofMinutes(10)));
  }

  private static HttpEntity json(Object body) {
    try {
      return Http.json(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode ok(String what, Answer a) {
    if (a.status() / 100 != 2) {
      throw new IllegalStateException(what + " answered " + a.status() + ": " + a.body());
    }
    return a.body().isEmpty() ? JSON.createObjectNode() : a.json();
  }
}
