package dev.crm.query.company;

import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

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

  /** One page of company rows; {@code nextCursor} is {@code null} on the last page. */
  public record CompanyPage(List<CompanyView> items, String nextCursor) {
    public CompanyPage {
      items = List.copyOf(items);
    }

    static CompanyPage of(Page<CompanyView> page) {
      return new CompanyPage(page.items(), page.nextCursor());
    }
  }
}
