package dev.crm.api.imports;

import dev.crm.command.imports.ImportPacing;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reports how long interactive API requests take to {@link ImportPacing}, which slows imports down
 * while these answers get slow. Import uploads, audit exports and operations endpoints are not
 * interactive traffic and are left out.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class InteractiveLatencyFilter extends OncePerRequestFilter {
  private final ImportPacing pacing;

  InteractiveLatencyFilter(ImportPacing pacing) {
    this.pacing = pacing;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/")
        || path.startsWith("/api/v1/imports")
        || path.startsWith("/api/v1/audit/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      pacing.recordInteractive(System.nanoTime() - start);
    }
  }
}
