package dev.crm.api.ops;

import dev.crm.infra.postgres.StatementCounting;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Records how many SQL statements each API request ran, per endpoint ({@code
 * crm.http.db.statements{method,uri}}): a cached answer runs none, and a rise shows a query that
 * started to repeat per row.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestCostFilter extends OncePerRequestFilter {
  static final String METRIC = "crm.http.db.statements";

  private final MeterRegistry meters;
  private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  RequestCostFilter(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    StatementCounting.reset();
    try {
      chain.doFilter(request, response);
    } finally {
      Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
      String uri = pattern == null ? "UNKNOWN" : pattern.toString();
      String method = request.getMethod();
      summaries
          .computeIfAbsent(
              method + " " + uri,
              k ->
                  DistributionSummary.builder(METRIC)
                      .tags("method", method, "uri", uri)
                      .description("SQL statements one API request ran")
                      .register(meters))
          .record(StatementCounting.counted());
    }
  }
}
