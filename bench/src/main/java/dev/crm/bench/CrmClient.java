package dev.crm.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A client of the service's REST API under one API key. Every call that is not 2xx throws with the
 * problem body, so a generator or benchmark run never counts a failure as work done.
 */
final class CrmClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final String apiKey;

  CrmClient(HttpClient http, URI base, String apiKey) {
    this.http = http;
    this.base = base;
    this.apiKey = apiKey;
  }

  static HttpClient newHttp() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  CrmClient as(String otherKey) {
    return new CrmClient(http, base, otherKey);
  }

  /** The status and body of a call, for callers that time it or accept non-2xx answers. */
  record Answer(int status, String body) {
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
    return ok("POST " + path, send(request(path).POST(json(body)).build()));
  }

  JsonNode get(String path) {
    return ok("GET " + path, send(request(path).GET().build()));
  }

  Answer call(String method, String path, Object body) {
    HttpRequest.Builder b = request(path);
    b = body == null ? b.method(method, BodyPublishers.noBody()) : b.method(method, json(body));
    return send(b.build());
  }

  /** Uploads a file as an import job: multipart parts {@code options} (JSON) and {@code file}. */
  JsonNode upload(Path file, Object options, String idempotencyKey) throws IOException {
    String boundary = "crm-bench-" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"options\"\r\n"
            + "Content-Type: application/json\r\n\r\n"
            + JSON.writeValueAsString(options)
            + "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + file.getFileName()
            + "\"\r\nContent-Type: text/csv\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest req =
        request("/api/v1/imports")
            .setHeader("Content-Type", "multipart/form-data; boundary=" + boundary)
            .header("Idempotency-Key", idempotencyKey)
            .POST(
                BodyPublishers.concat(
                    BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                    BodyPublishers.ofFile(file),
                    BodyPublishers.ofString(tail, StandardCharsets.UTF_8)))
            .timeout(Duration.ofMinutes(10))
            .build();
    return ok("POST /api/v1/imports", send(req));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json");
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Answer send(HttpRequest req) {
    try {
      HttpResponse<String> r = http.send(req, BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonNode ok(String what, Answer a) {
    if (a.status() / 100 != 2) {
      throw new IllegalStateException(what + " answered " + a.status() + ": " + a.body());
    }
    return a.body().isEmpty() ? JSON.createObjectNode() : a.json();
  }
}
