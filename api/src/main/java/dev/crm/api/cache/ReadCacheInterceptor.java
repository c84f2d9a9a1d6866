package dev.crm.api.cache;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.ReadYourWrites;
import dev.crm.infra.cache.CacheScope;
import dev.crm.infra.cache.CachedResponse;
import dev.crm.infra.cache.ReadCache;
import dev.crm.infra.cache.ReadCacheProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Answers {@link CachedRead} endpoints from the read cache, or lets the request through and has
 * {@link HttpCachingFilter} cache its answer. The key is the caller's tenant (from the API key),
 * the path and the sorted query parameters. A read that sends a consistency token is never answered
 * from the cache: it waits for the read model instead, so it can never see an entry older than its
 * token.
 */
@Component
public class ReadCacheInterceptor implements HandlerInterceptor {
  static final String MISS = ReadCacheInterceptor.class.getName() + ".miss";
  static final String CACHE_HEADER = "X-Cache";
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z]+)}");

  private final ReadCache cache;
  private final boolean enabled;
  private final Counter bypassed;

  public ReadCacheInterceptor(
      ReadCache cache, ReadCacheProperties properties, MeterRegistry meters) {
    this.cache = cache;
    this.enabled = properties.enabled();
    this.bypassed =
        Counter.builder("crm.cache.bypassed")
            .description(
                "cacheable reads sent with a consistency token, answered by the read model")
            .register(meters);
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (!enabled
        || !(handler instanceof HandlerMethod method)
        || !method.hasMethodAnnotation(CachedRead.class)) {
      return true;
    }
    String tenant = tenant();
    if (tenant == null) {
      return true;
    }
    if (request.getParameter("consistencyToken") != null
        || request.getHeader(ReadYourWrites.HEADER) != null) {
      bypassed.increment();
      return true;
    }
    CachedRead read = method.getMethodAnnotation(CachedRead.class);
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    CacheScope scope = new CacheScope(read.cache(), tenant, expand(read.scope(), variables));
    ReadCache.Lookup lookup = cache.lookup(scope, variant(request));
    if (lookup instanceof ReadCache.Hit hit) {
      CachedResponse r = hit.response();
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType(r.contentType());
      if (r.etag() != null) {
        response.setHeader("ETag", r.etag());
      }
      response.setHeader(CACHE_HEADER, "hit-" + hit.layer());
      boolean gzip = r.gzipped() && acceptsGzip(request);
      if (r.gzipped()) {
        response.setHeader("Vary", "Accept-Encoding");
      }
      if (gzip) {
        // Already compressed: Tomcat leaves an answer with a Content-Encoding alone.
        response.setHeader("Content-Encoding", "gzip");
      }
      byte[] body = r.bodyFor(gzip);
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
      return false;
    }
    request.setAttribute(MISS, lookup);
    response.setHeader(CACHE_HEADER, "miss");
    return true;
  }

  /** Whether the client takes gzip: named in Accept-Encoding (or as *) and not refused by q=0. */
  static boolean acceptsGzip(HttpServletRequest request) {
    String header = request.getHeader("Accept-Encoding");
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] coding = part.trim().split(";");
      String name = coding[0].trim().toLowerCase(Locale.ROOT);
      if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
        boolean refused = false;
        for (int i = 1; i < coding.length; i++) {
          String p = coding[i].replace(" ", "");
          refused |= p.matches("q=0(\\.0{0,3})?");
        }
        return !refused;
      }
    }
    return false;
  }

  private static String tenant() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null && auth.getPrincipal() instanceof Caller c ? c.tenantId() : null;
  }

  /** The path and the query parameters in name order, so parameter order changes nothing. */
  private static String variant(HttpServletRequest request) {
    StringBuilder s = new StringBuilder(request.getRequestURI());
    Map<String, String[]> parameters = request.getParameterMap();
    if (!parameters.isEmpty()) {
      String[] names = parameters.keySet().toArray(String[]::new);
      Arrays.sort(names);
      char sep = '?';
      for (String name : names) {
        for (String value : parameters.get(name)) {
          s.append(sep).append(name).append('=').append(value);
          sep = '&';
        }
      }
    }
    return s.toString();
  }

  private static String expand(String template, Map<String, String> variables) {
    Matcher m = VARIABLE.matcher(template);
    StringBuilder s = new StringBuilder();
    while (m.find()) {
      String value = variables == null ? null : variables.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("cache scope " + template + " names no path variable");
      }
      m.appendReplacement(s, Matcher.quoteReplacement(value));
    }
    return m.appendTail(s).toString();
  }
}
