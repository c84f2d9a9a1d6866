package dev.crm.api.auth;

import java.util.Objects;

/**
 * Who is calling, as established from the API key. The tenant comes from here and nowhere else:
 * never from a request body or a path.
 */
public record Caller(String keyId, String tenantId, Role role) {
  public Caller {
    Objects.requireNonNull(keyId);
    Objects.requireNonNull(role);
  }

  /** The caller's tenant; platform admins have none and cannot touch tenant data. */
  public String requireTenant() {
    if (tenantId == null) {
      throw new org.springframework.security.access.AccessDeniedException(
          "a platform-admin key has no tenant; use a tenant's key");
    }
    return tenantId;
  }
}
