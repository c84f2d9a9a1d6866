package dev.crm.api.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.ApiTestSupport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Companies over HTTP. */
class CompanyApiTest extends ApiTestSupport {

  @Test
  void companyIsCreatedUpdatedAndListedByStatus() {
    Tenant t = newTenant();
    String id =
        create(
            t.editor(),
            "/api/v1/companies",
            Map.of(
                "name", "Globex",
                "domain", "Globex.com",
                "industry", "Software",
                "sizeBand", "S_51_200",
                "employeeCount", 120,
                "annualRevenue", 2500000.50,
                "priority", "high"));

    Response updated =
        t.editor()
            .header("If-Match", "\"0\"")
            .patch("/api/v1/companies/" + id, Map.of("status", "customer"));

    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Response read = t.viewer().get("/api/v1/companies/" + id);
              assertThat(read.header("ETag")).isEqualTo("\"1\"");
              assertThat(read.json().get("status").asString()).isEqualTo("CUSTOMER");
              assertThat(read.json().get("domain").asString()).isEqualTo("globex.com");
              assertThat(read.json().get("annualRevenue").decimalValue())
                  .isEqualByComparingTo("2500000.50");
            });
    assertThat(t.viewer().get("/api/v1/companies?status=customer").json().get("items")).hasSize(1);
    assertThat(t.viewer().get("/api/v1/companies?status=prospect").json().get("items")).isEmpty();
  }

  @Test
  void badCompanyFieldsAreNamed() {
    Tenant t = newTenant();

    Response bad =
        t.editor()
            .post(
                "/api/v1/companies",
                Map.of("name", "", "employeeCount", -5, "domain", "not a domain"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("\"name\"").contains("\"employeeCount\"");
  }

  @Test
  void archivedCompanyRefusesUpdatesUntilRestored() {
    Tenant t = newTenant();
    String id = create(t.editor(), "/api/v1/companies", Map.of("name", "Initech"));

    assertThat(t.editor().delete("/api/v1/companies/" + id).status()).isEqualTo(200);
    assertThat(t.editor().patch("/api/v1/companies/" + id, Map.of("name", "X")).status())
        .isEqualTo(409);
    assertThat(t.editor().post("/api/v1/companies/" + id + "/restore", null).status())
        .isEqualTo(200);
    assertThat(t.editor().patch("/api/v1/companies/" + id, Map.of("name", "X")).status())
        .isEqualTo(200);
  }

  @Test
  void anotherTenantCannotSeeOrChangeTheCompany() {
    Tenant a = newTenant();
    Tenant b = newTenant();
    String id = create(a.editor(), "/api/v1/companies", Map.of("name", "Hooli"));

    assertThat(b.viewer().get("/api/v1/companies/" + id).status()).isEqualTo(404);
    assertThat(b.editor().patch("/api/v1/companies/" + id, Map.of("name", "Mine")).status())
        .isEqualTo(404);
  }
}
