package dev.crm.infra.search;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.DefaultTransportOptions;
import co.elastic.clients.transport.ElasticsearchTransportBase;
import co.elastic.clients.transport.TransportOptions;
import co.elastic.clients.transport.http.TransportHttpClient;
import co.elastic.clients.util.BinaryData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The Elasticsearch client's transport over Apache HttpClient 5's blocking (classic) client, in
 * place of the low-level REST client's asynchronous Apache HttpClient 4.
 *
 * <p>Why: requests run on virtual threads that block anyway. The asynchronous client hands every
 * request to an I/O reactor thread and the answer back (connection lease callbacks, interest-ops
 * changes under locks, a future to wake the caller): a profile of searches under load put about a
 * third of the service's search CPU there, on two cores shared with Elasticsearch. The blocking
 * client writes and reads on the calling thread, and a body goes out with its length instead of as
 * one HTTP chunk per buffer (elastic/elasticsearch-java#1339).
 *
 * <p>Responses are read whole before they are handed over, as the REST client did; no response
 * compression (the server is near, and both ends would pay the CPU); no redirects or cookies.
 */
public final class BlockingHttpTransport extends ElasticsearchTransportBase {

  public BlockingHttpTransport(
      String url,
      int connectTimeoutMs,
      int socketTimeoutMs,
      int maxConnections,
      JsonpMapper mapper) {
    super(
        new Client(url, connectTimeoutMs, socketTimeoutMs, maxConnections),
        new DefaultTransportOptions(),
        mapper);
  }

  private static final class Client implements TransportHttpClient {
    private final Node node;
    private final String base;
    private final CloseableHttpClient http;
    private final ExecutorService async = Executors.newVirtualThreadPerTaskExecutor();

    Client(String url, int connectTimeoutMs, int socketTimeoutMs, int maxConnections) {
      this.base = url.replaceAll("/+$", "");
      this.node = new Node(base);
      this.http =
          HttpClients.custom()
              .setConnectionManager(
                  PoolingHttpClientConnectionManagerBuilder.create()
                      .setMaxConnTotal(maxConnections)
                      .setMaxConnPerRoute(maxConnections)
                      .setDefaultConnectionConfig(
                          ConnectionConfig.custom()
                              .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                              .setSocketTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                              // A pooled connection idle this long is checked before reuse, so a
                              // restarted server costs no failed request.
                              .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                              .build())
                      .build())
              .setDefaultRequestConfig(
                  RequestConfig.custom()
                      .setResponseTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                      .setConnectionRequestTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                      .build())
              .disableContentCompression()
              .disableCookieManagement()
              .disableAuthCaching()
              .disableRedirectHandling()
              .disableAutomaticRetries()
              .build();
    }

    @Override
    public Response performRequest(
        String endpointId, Node ignored, Request request, TransportOptions options)
        throws IOException {
      HttpUriRequestBase http = new HttpUriRequestBase(request.method(), uri(request, options));
      request.headers().forEach(http::addHeader);
      options.headers().forEach(h -> http.addHeader(h.getKey(), h.getValue()));
      if (request.body() != null) {
        http.setEntity(new ByteArrayEntity(bytes(request.body()), contentType(request)));
      }
      return this.http.execute(
          http,
          response -> {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? null : EntityUtils.toByteArray(entity);
            String type = entity == null ? null : entity.getContentType();
            return new Answer(node, response, body, type);
          });
    }

    @Override
    public CompletableFuture<Response> performRequestAsync(
        String endpointId, Node node, Request request, TransportOptions options) {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return performRequest(endpointId, node, request, options);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          async);
    }

    @Override
    public void close() throws IOException {
      async.close();
      http.close();
    }

    private java.net.URI uri(Request request, TransportOptions options) {
      StringBuilder s = new StringBuilder(base).append(request.path());
      char sep = request.path().indexOf('?') < 0 ? '?' : '&';
      for (Map<String, String> params : List.of(request.queryParams(), options.queryParameters())) {
        for (Map.Entry<String, String> p : params.entrySet()) {
          s.append(sep)
              .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
          sep = '&';
        }
      }
      return java.net.URI.create(s.toString());
    }

    private static ContentType contentType(Request request) {
      String type = request.headers().get("Content-Type");
      return type == null ? ContentType.APPLICATION_JSON : ContentType.parse(type);
    }

    private static byte[] bytes(Iterable<ByteBuffer> buffers) {
      List<ByteBuffer> parts = new ArrayList<>();
      int size = 0;
      for (ByteBuffer b : buffers) {
        parts.add(b.duplicate());
        size += b.remaining();
      }
      byte[] out = new byte[size];
      int at = 0;
      for (ByteBuffer b : parts) {
        int n = b.remaining();
        b.get(out, at, n);
        at += n;
      }
      return out;
    }
  }

  /** A response read whole; closing it releases nothing, the connection went back at once. */
  private record Answer(
      TransportHttpClient.Node node, ClassicHttpResponse original, byte[] bytes, String type)
      implements TransportHttpClient.Response {
    @Override
    public int statusCode() {
      return original.getCode();
    }

    @Override
    public String header(String name) {
      Header h = original.getFirstHeader(name);
      return h == null ? null : h.getValue();
    }

    @Override
    public List<String> headers(String name) {
      return Arrays.stream(original.getHeaders(name)).map(Header::getValue).toList();
    }

    @Override
    public BinaryData body() {
      return bytes == null ? null : BinaryData.of(bytes, type);
    }

    @Override
    public Object originalResponse() {
      return original;
    }

    @Override
    public void close() {}
  }
}
