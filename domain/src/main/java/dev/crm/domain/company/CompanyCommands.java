package dev.crm.domain.company;

import java.math.BigDecimal;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** Commands for the company aggregate; tenant and time come with each command. */
public final class CompanyCommands {
  private CompanyCommands() {}

  public record CreateCompany(
      @TargetAggregateIdentifier String companyId,
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
      Instant at) {}

  /** Partial update: a {@code null} field is left as it is. */
  public record UpdateCompany(
      @TargetAggregateIdentifier String companyId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      String name,
      String domain,
      String industry,
      SizeBand sizeBand,
      Integer employeeCount,
      BigDecimal annualRevenue,
      CompanyStatus status,
      Priority priority,
      String ownerId,
      Instant at) {}

  public record ArchiveCompany(
      @TargetAggregateIdentifier String companyId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record RestoreCompany(
      @TargetAggregateIdentifier String companyId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}
}
