package dev.crm.api.ratelimit;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code crm.rate-limit.*}: how many requests an API key of each role ({@code per-key.viewer},
 * {@code .editor}, {@code .admin}, {@code .platform_admin}) and a whole tenant ({@code per-tenant})
 * may send per {@code window}.
 */
@ConfigurationProperties("crm.rate-limit")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration window,
    Map<String, Long> perKey,
    @DefaultValue("5000") long perTenant) {

  /** Per-key limits when none are configured: integrations write more than dashboards read. */
  static final Map<String, Long> DEFAULT_PER_KEY =
      Map.of("viewer", 500L, "editor", 1000L, "admin", 1000L, "platform_admin", 200L);

  public RateLimitProperties {
    perKey = perKey == null ? DEFAULT_PER_KEY : Map.copyOf(perKey);
    if (window.isNegative() || window.isZero() || perTenant <= 0) {
      throw new IllegalArgumentException("crm.rate-limit: window and per-tenant must be positive");
    }
  }

  long forRole(String role) {
    Long limit = perKey.getOrDefault(role, DEFAULT_PER_KEY.get(role));
    if (limit == null || limit <= 0) {
      throw new IllegalArgumentException("crm.rate-limit.per-key." + role + " must be positive");
    }
    return limit;
  }
}
