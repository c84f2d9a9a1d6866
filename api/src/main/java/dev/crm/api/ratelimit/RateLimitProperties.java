package dev.crm.api.ratelimit;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code crm.rate-limit.*}: how many requests an API key of each role ({@code per-key.viewer},
 * {@code .editor}, {@code .admin}, {@code .platform_admin}) and a whole tenant ({@code per-tenant})
 * may send per {@code window}.
 *
 * <p>Each node takes permits from Redis in leases of {@code lease-fraction} of a budget (at least
 * one) and hands them out locally for at most {@code lease-time}; a lease of one permit is the
 * exact, one-call-per-request path.
 */
@ConfigurationProperties("crm.rate-limit")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration window,
    Map<String, Long> perKey,
    @DefaultValue("5000") long perTenant,
    @DefaultValue("0.01") double leaseFraction,
    @DefaultValue("1s") Duration leaseTime) {

  /** Per-key limits when none are configured: integrations write more than dashboards read. */
  static final Map<String, Long> DEFAULT_PER_KEY =
      Map.of("viewer", 500L, "editor", 1000L, "admin", 1000L, "platform_admin", 200L);

  public RateLimitProperties {
    perKey = perKey == null ? DEFAULT_PER_KEY : Map.copyOf(perKey);
    if (window.isNegative() || window.isZero() || perTenant <= 0) {
      throw new IllegalArgumentException("crm.rate-limit: window and per-tenant must be positive");
    }
    if (leaseFraction < 0 || leaseFraction > 0.5) {
      throw new IllegalArgumentException("crm.rate-limit.lease-fraction must lie in [0, 0.5]");
    }
    if (leaseTime.isNegative() || leaseTime.isZero()) {
      throw new IllegalArgumentException("crm.rate-limit.lease-time must be positive");
    }
  }

  /** How many permits a node takes from Redis at once for a budget of {@code limit}. */
  long leaseSize(long limit) {
    return Math.max(1, (long) (limit * leaseFraction));
  }

  long forRole(String role) {
    Long limit = perKey.getOrDefault(role, DEFAULT_PER_KEY.get(role));
    if (limit == null || limit <= 0) {
      throw new IllegalArgumentException("crm.rate-limit.per-key." + role + " must be positive");
    }
    return limit;
  }
}
