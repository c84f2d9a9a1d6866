package dev.crm.api.tenant;

import dev.crm.api.auth.ApiKeys;
import dev.crm.api.auth.Caller;
import dev.crm.api.auth.Role;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tenants and their API keys. Secrets appear once, in the answer that creates them; listings never
 * show them.
 */
@RestController
@Tag(name = "Tenants and API keys")
public class TenantAdminController {
  private final ApiKeys keys;

  public TenantAdminController(ApiKeys keys) {
    this.keys = keys;
  }

  record CreateTenantRequest(@NotBlank @Size(max = 200) String name) {}

  record TenantCreated(String id, String name, String adminKey) {}

  record CreateKeyRequest(@NotBlank @Size(max = 200) String name, @NotNull String role) {}

  record KeyCreated(String id, String role, String key) {}

  @PostMapping("/api/v1/admin/tenants")
  @Operation(summary = "Create a tenant and its first admin key (platform admin only)")
  public ResponseEntity<TenantCreated> createTenant(@Valid @RequestBody CreateTenantRequest body) {
    ApiKeys.Tenant tenant = keys.createTenant(body.name().trim());
    return ResponseEntity.created(URI.create("/api/v1/admin/tenants/" + tenant.id()))
        .body(new TenantCreated(tenant.id(), tenant.name(), tenant.adminKey().secret()));
  }

  @PostMapping("/api/v1/api-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Issue an API key for the caller's tenant (tenant admin only)")
  public KeyCreated createKey(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateKeyRequest body) {
    Role role = tenantRole(body.role());
    ApiKeys.IssuedKey key = keys.issue(caller.requireTenant(), body.name().trim(), role);
    return new KeyCreated(key.id(), role.dbName(), key.secret());
  }

  @GetMapping("/api/v1/api-keys")
  @Operation(summary = "List the tenant's API keys, without secrets")
  public List<ApiKeys.KeySummary> listKeys(@AuthenticationPrincipal Caller caller) {
    return keys.list(caller.requireTenant());
  }

  @DeleteMapping("/api/v1/api-keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Revoke one of the tenant's API keys")
  public void revokeKey(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
    if (!keys.revoke(caller.requireTenant(), id)) {
      throw new AggregateNotFound("api key", id);
    }
  }

  private static Role tenantRole(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "admin" -> Role.ADMIN;
      case "editor" -> Role.EDITOR;
      case "viewer" -> Role.VIEWER;
      default -> throw new InvalidField("role", "must be admin, editor or viewer");
    };
  }
}
