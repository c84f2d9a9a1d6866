package dev.crm.api.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tenants, API keys and roles. */
class TenantAndKeyTest extends ApiTestSupport {

  @Test
  void onlyThePlatformAdminCreatesTenants() {
    Tenant t = newTenant();

    assertThat(t.admin().post("/api/v1/admin/tenants", Map.of("name", "Sneaky")).status())
        .isEqualTo(403);
    assertThat(anonymous().post("/api/v1/admin/tenants", Map.of("name", "Sneaky")).status())
        .isEqualTo(401);
  }

  @Test
  void newTenantAnswersWithItsAdminKeyOnce() {
    Response created = platformAdmin().post("/api/v1/admin/tenants", Map.of("name", "Acme"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("name").asString()).isEqualTo("Acme");
    assertThat(created.json().get("adminKey").asString()).startsWith("crm_");
    Client admin = as(created.json().get("adminKey").asString());
    Response keys = admin.get("/api/v1/api-keys");
    assertThat(keys.status()).isEqualTo(200);
    assertThat(keys.body()).doesNotContain(created.json().get("adminKey").asString());
  }

  @Test
  void tenantAdminIssuesKeysButOtherRolesCannot() {
    Tenant t = newTenant();

    Response issued = t.admin().post("/api/v1/api-keys", Map.of("name", "ci", "role", "viewer"));
    Response byEditor = t.editor().post("/api/v1/api-keys", Map.of("name", "x", "role", "admin"));
    Response badRole = t.admin().post("/api/v1/api-keys", Map.of("name", "x", "role", "root"));

    assertThat(issued.status()).isEqualTo(201);
    assertThat(issued.json().get("role").asString()).isEqualTo("viewer");
    assertThat(issued.json().get("id").asString()).isNotBlank();
    assertThat(byEditor.status()).isEqualTo(403);
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.json().get("errors").get(0).get("field").asString()).isEqualTo("role");
  }

  @Test
  void revokedKeyStopsWorking() {
    Tenant t = newTenant();
    Response issued = t.admin().post("/api/v1/api-keys", Map.of("name", "temp", "role", "viewer"));
    Client temp = as(issued.json().get("key").asString());
    assertThat(temp.get("/api/v1/contacts").status()).isEqualTo(200);

    assertThat(t.admin().delete("/api/v1/api-keys/" + issued.json().get("id").asString()).status())
        .isEqualTo(204);

    assertThat(temp.get("/api/v1/contacts").status()).isEqualTo(401);
  }

  @Test
  void platformAdminKeyHasNoTenantData() {
    assertThat(platformAdmin().get("/api/v1/contacts").status()).isEqualTo(403);
  }
}
