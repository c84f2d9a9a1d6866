package dev.crm.api.cache;

import dev.crm.infra.cache.CachedResponse;
import dev.crm.infra.cache.ReadCache;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.DigestUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * HTTP caching of API reads: every successful GET answer carries an entity tag (the resource's
 * version where the endpoint sets one, else a weak tag from a hash of the body) and {@code
 * Cache-Control: private, no-cache}: a browser may keep it but not share it, and asks again with
 * {@code If-None-Match}, which answers {@code 304} without a body when nothing changed. Answers
 * that {@link ReadCacheInterceptor} could not find in the read cache are stored there from here.
 */
@Component
public class HttpCachingFilter extends OncePerRequestFilter {
  static final String CACHE_CONTROL = "private, no-cache";

  private final ReadCache cache;
  private final int gzipFrom;

  /**
   * {@code gzipFrom}: cached answers at least as large as the server compresses are stored gzipped
   * (-1 when the server compresses nothing).
   */
  public HttpCachingFilter(
      ReadCache cache,
      @Value("${server.compression.enabled:false}") boolean compression,
      @Value("${server.compression.min-response-size:2KB}") DataSize compressFrom) {
    this.cache = cache;
    this.gzipFrom = compression ? (int) compressFrom.toBytes() : -1;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    // Audit exports stream files of any size: never buffered here, never tagged or cached.
    return !"GET".equals(request.getMethod())
        || !request.getRequestURI().startsWith("/api/")
        || request.getRequestURI().startsWith("/api/v1/audit/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
    chain.doFilter(request, wrapper);
    if (wrapper.getStatus() == HttpServletResponse.SC_OK) {
      byte[] body = wrapper.getContentAsByteArray();
      String etag = wrapper.getHeader("ETag");
      if (etag == null || etag.isBlank()) {
        // Weak: the same tag stands for the body compressed or not (a strong one would also keep
        // Tomcat from compressing it).
        etag = "W/\"" + DigestUtils.md5DigestAsHex(body) + "\"";
        response.setHeader("ETag", etag);
      }
      response.setHeader("Cache-Control", CACHE_CONTROL);
      if (request.getAttribute(ReadCacheInterceptor.MISS) instanceof ReadCache.Miss miss
          && wrapper.getContentType() != null) {
        // Stored gzipped only under a weak tag: a strong one promises the bytes as sent, and a
        // hit would send other bytes (gzip) under it.
        cache.store(
            miss,
            CachedResponse.of(
                body, wrapper.getContentType(), etag, etag.startsWith("W/") ? gzipFrom : -1));
      }
      if (new ServletWebRequest(request, response).checkNotModified(etag)) {
        return;
      }
    }
    wrapper.copyBodyToResponse();
  }
}
