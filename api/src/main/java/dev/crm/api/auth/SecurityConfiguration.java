package dev.crm.api.auth;

import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every API call needs an API key. Tenant roles nest (admin ⊃ editor ⊃ viewer): reads need a
 * viewer, writes an editor, key management and custom field definitions an admin; tenants are
 * created by the platform admin.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

  /**
   * No Micrometer observations around Spring Security's filters, authentication and authorization:
   * with them every filter of every request is wrapped in an observation (a no-op one is still a
   * wrapper), and nothing reads them; the HTTP server's request timers stay.
   */
  @Bean
  static SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.fromHierarchy(
        """
        ROLE_ADMIN > ROLE_EDITOR
        ROLE_EDITOR > ROLE_VIEWER
        """);
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, ApiKeys keys, JsonMapper json) throws Exception {
    AuthenticationEntryPoint unauthorized =
        (request, response, e) ->
            writeProblem(
                json,
                response,
                HttpStatus.UNAUTHORIZED,
                "Send a valid API key as 'Authorization: Bearer <key>'.");
    AccessDeniedHandler forbidden =
        (request, response, e) ->
            writeProblem(
                json,
                response,
                HttpStatus.FORBIDDEN,
                "This API key's role may not do this: " + e.getMessage());
    http.csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .addFilterBefore(
            new ApiKeyAuthenticationFilter(keys, unauthorized), AnonymousAuthenticationFilter.class)
        .exceptionHandling(
            e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                    .permitAll()
                    .requestMatchers("/error")
                    .permitAll()
                    .requestMatchers("/actuator/**", "/api/v1/admin/**")
                    .hasRole(Role.PLATFORM_ADMIN.name())
                    .requestMatchers("/api/v1/api-keys/**", "/api/v1/audit/**")
                    .hasRole(Role.ADMIN.name())
                    .requestMatchers(HttpMethod.GET, "/api/v1/custom-fields/**")
                    .hasRole(Role.VIEWER.name())
                    .requestMatchers("/api/v1/custom-fields/**")
                    .hasRole(Role.ADMIN.name())
                    .requestMatchers(HttpMethod.GET, "/api/**")
                    .hasRole(Role.VIEWER.name())
                    // Contact filters are reads whose filter is a JSON body.
                    .requestMatchers(
                        HttpMethod.POST, "/api/v1/contacts/filter", "/api/v1/contacts/filter/count")
                    .hasRole(Role.VIEWER.name())
                    .requestMatchers("/api/**")
                    .hasRole(Role.EDITOR.name())
                    .anyRequest()
                    .denyAll());
    return http.build();
  }

  private static void writeProblem(
      JsonMapper json,
      jakarta.servlet.http.HttpServletResponse response,
      HttpStatus status,
      String detail)
      throws java.io.IOException {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("about:blank"));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }
}
