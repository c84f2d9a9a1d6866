package dev.crm.domain.company;

import java.math.BigDecimal;
import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Everything that happens to a company. */
public sealed interface CompanyEvent {
  String companyId();

  String tenantId();

  Instant at();

  @Revision("1")
  record CompanyCreated(
      String companyId,
      String tenantId,
      String name,
      String domain,
      String industry,
      SizeBand sizeBand,
      Integer employeeCount,
      BigDecimal annualRevenue,
      CompanyStatus status,
      Priority priority,
      String ownerId,
      Instant at)
      implements CompanyEvent {}

  /** Only the changed fields are set; {@code null} means unchanged. */
  @Revision("1")
  record CompanyUpdated(
      String companyId,
      String tenantId,
      String name,
      String domain,
      String industry,
      SizeBand sizeBand,
      Integer employeeCount,
      BigDecimal annualRevenue,
      CompanyStatus status,
      Priority priority,
      String ownerId,
      Instant at)
      implements CompanyEvent {}

  @Revision("1")
  record CompanyArchived(String companyId, String tenantId, Instant at) implements CompanyEvent {}

  @Revision("1")
  record CompanyRestored(String companyId, String tenantId, Instant at) implements CompanyEvent {}
}
