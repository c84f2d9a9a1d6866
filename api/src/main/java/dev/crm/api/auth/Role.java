package dev.crm.api.auth;

import java.util.Locale;

/** What an API key may do. Each tenant role includes the ones below it. */
public enum Role {
  VIEWER,
  EDITOR,
  ADMIN,
  /** Operates the installation: creates tenants. Bound to no tenant. */
  PLATFORM_ADMIN;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromDb(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public String authority() {
    return "ROLE_" + name();
  }
}
