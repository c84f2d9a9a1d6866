package dev.crm.api.ratelimit;

import dev.crm.api.auth.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies {@link RateLimits} to every authenticated API request (it runs after Spring Security's
 * chain has named the caller). Answers carry {@code RateLimit-Limit}, {@code RateLimit-Remaining}
 * and {@code RateLimit-Reset}; a request over the limit gets {@code 429} problem+json with {@code
 * Retry-After}.
 */
@Component
@Order(0)
class RateLimitFilter extends OncePerRequestFilter {
  private final RateLimits limits;
  private final JsonMapper json;

  RateLimitFilter(RateLimits limits, JsonMapper json) {
    this.limits = limits;
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !limits.enabled() || !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof Caller caller)) {
      chain.doFilter(request, response);
      return;
    }
    RateLimits.Decision d = limits.take(caller);
    if (d != null) {
      response.setHeader("RateLimit-Limit", Long.toString(d.limit()));
      response.setHeader("RateLimit-Remaining", Long.toString(d.remaining()));
      response.setHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
      if (!d.allowed()) {
        refuse(response, d);
        return;
      }
    }
    chain.doFilter(request, response);
  }

  private void refuse(HttpServletResponse response, RateLimits.Decision d) throws IOException {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.TOO_MANY_REQUESTS,
            "This API key or its tenant sent more than "
                + d.limit()
                + " requests in "
                + d.resetSeconds()
                + " s; retry after "
                + d.resetSeconds()
                + " s.");
    problem.setType(URI.create("about:blank"));
    response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
    response.setHeader("Retry-After", Long.toString(d.resetSeconds()));
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }
}
