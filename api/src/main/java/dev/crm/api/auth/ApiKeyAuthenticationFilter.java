package dev.crm.api.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/** Turns {@code Authorization: Bearer <api key>} into the request's {@link Caller}. */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
  private static final String BEARER = "Bearer ";

  private final ApiKeys keys;
  private final AuthenticationEntryPoint entryPoint;

  ApiKeyAuthenticationFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint) {
    this.keys = keys;
    this.entryPoint = entryPoint;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header == null) {
      chain.doFilter(request, response);
      return;
    }
    Optional<Caller> caller =
        header.regionMatches(true, 0, BEARER, 0, BEARER.length())
            ? keys.authenticate(header.substring(BEARER.length()).trim())
            : Optional.empty();
    if (caller.isEmpty()) {
      SecurityContextHolder.clearContext();
      entryPoint.commence(
          request, response, new BadCredentialsException("the API key is not valid"));
      return;
    }
    Caller c = caller.get();
    var authentication =
        UsernamePasswordAuthenticationToken.authenticated(
            c, null, List.of(new SimpleGrantedAuthority(c.role().authority())));
    SecurityContextHolder.getContext().setAuthentication(authentication);
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }
}
