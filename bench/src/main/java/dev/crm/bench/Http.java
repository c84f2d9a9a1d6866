package dev.crm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The benchmark's HTTP client: Apache HttpClient 5's blocking client over a pool of keep-alive
 * connections. Each call runs on the calling thread, with no hand-off to a selector thread and back
 * as in {@code java.net.http.HttpClient}. The benchmark's clients share the cores with the service,
 * PostgreSQL and Elasticsearch, so what the client costs is taken from what it measures: in an A/B
 * of the same load (50-row list pages, 4 clients, 30 s, alternated twice), the JDK client took
 * 1.0-1.5 ms of CPU per request and this one 0.5 ms, and the list p99 was 29-31 ms against 17-21
 * ms. Both sides of every comparison (the API and the raw Elasticsearch query) go through this
 * client.
 */
final class Http implements AutoCloseable {
  private final CloseableHttpClient client;

  private Http(CloseableHttpClient client) {
    this.client = client;
  }

  /**
   * A client with room for every benchmark thread, 5 s to connect and {@code timeout} for an answer
   * unless a call gives its own.
   */
  static Http create(Duration timeout) {
    return new Http(
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(64)
                    .setMaxConnPerRoute(64)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(5, TimeUnit.SECONDS).build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
            .disableAutomaticRetries()
            .disableCookieManagement()
            .build());
  }

  /** A minute for an answer, as the benchmark's calls had with the JDK client. */
  static Http create() {
    return create(Duration.ofMinutes(1));
  }

  /** Sends one request; any status comes back as an answer, only I/O failures throw. */
  CrmClient.Answer send(String method, URI uri, Map<String, String> headers, HttpEntity body) {
    return send(method, uri, headers, body, null);
  }

  /** As above, waiting up to {@code timeout} (the client's default when null) for the answer. */
  CrmClient.Answer send(
      String method, URI uri, Map<String, String> headers, HttpEntity body, Duration timeout) {
    HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
    if (timeout != null) {
      request.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build());
    }
    headers.forEach(request::addHeader);
    if (body != null) {
      request.setEntity(body);
    }
    try {
      return client.execute(
          request,
          response ->
              new CrmClient.Answer(
                  response.getCode(),
                  response.getEntity() == null
                      ? ""
                      : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8),
                  response.getFirstHeader("X-Cache") == null
                      ? null
                      : response.getFirstHeader("X-Cache").getValue()));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + ": " + e, e);
    }
  }

  /** The status and size of a large answer, read to its end and thrown away as it arrives. */
  record Drained(int status, long bytes) {}

  /** GETs {@code uri}, counting the body's bytes without keeping them (waits up to an hour). */
  Drained drain(URI uri, Map<String, String> headers) {
    HttpUriRequestBase request = new HttpUriRequestBase("GET", uri);
    request.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofHours(1)).build());
    headers.forEach(request::addHeader);
    try {
      return client.execute(
          request,
          response -> {
            long n = 0;
            if (response.getEntity() != null) {
              try (var in = response.getEntity().getContent()) {
                byte[] buffer = new byte[1 << 16];
                for (int r; (r = in.read(buffer)) >= 0; ) {
                  n += r;
                }
              }
            }
            return new Drained(response.getCode(), n);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + ": " + e, e);
    }
  }

  CrmClient.Answer get(URI uri) {
    return send("GET", uri, Map.of(), null);
  }

  CrmClient.Answer delete(URI uri) {
    return send("DELETE", uri, Map.of(), null);
  }

  static HttpEntity json(String body) {
    return new StringEntity(body, ContentType.APPLICATION_JSON);
  }

  static HttpEntity json(byte[] body) {
    return new ByteArrayEntity(body, ContentType.APPLICATION_JSON);
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
