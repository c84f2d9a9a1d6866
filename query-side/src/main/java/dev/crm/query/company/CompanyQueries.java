package dev.crm.query.company;

import dev.crm.query.shared.ListRequest;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** Typed queries on the company read model and the views they answer with. */
public final class CompanyQueries {
  private CompanyQueries() {}

  public record FindCompanyById(String tenantId, String companyId) {}

  /** Filters are AND-ed; a {@code null} filter is not applied. Archived companies are left out. */
  public record ListCompanies(
      String tenantId,
      String status,
      String ownerId,
      String industry,
      boolean includeArchived,
      ListRequest page) {}

  public record CompanyView(
      String id,
      long version,
      String name,
      String domain,
      String industry,
      String sizeBand,
      Integer employeeCount,
      BigDecimal annualRevenue,
      String status,
      String priority,
      String ownerId,
      boolean archived,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}
}
