package dev.crm.domain.company;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.crm.domain.company.CompanyCommands.ArchiveCompany;
import dev.crm.domain.company.CompanyCommands.CreateCompany;
import dev.crm.domain.company.CompanyCommands.RestoreCompany;
import dev.crm.domain.company.CompanyCommands.UpdateCompany;
import dev.crm.domain.company.CompanyEvent.CompanyArchived;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyRestored;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import dev.crm.domain.shared.AggregateArchived;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import dev.crm.domain.shared.TenantGuard;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

/** An organisation the tenant sells to or works with: its firmographics, status and owner. */
public class Company {
  private static final String TYPE = "company";

  /**
   * A web domain is a host name: labels of letters, digits and inner hyphens, at least one dot. It
   * keys duplicate detection and enrichment, so a URL or an email address is refused.
   */
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");

  @AggregateIdentifier private String companyId;
  private String tenantId;
  private String name;
  private String domain;
  private String industry;
  private SizeBand sizeBand;
  private Integer employeeCount;
  private BigDecimal annualRevenue;
  private CompanyStatus status;
  private Priority priority;
  private String ownerId;
  private boolean archived;

  protected Company() {
    // for Axon
  }

  @CommandHandler
  public Company(CreateCompany cmd) {
    apply(
        new CompanyCreated(
            cmd.companyId(),
            cmd.tenantId(),
            Fields.requireText("name", cmd.name()),
            domain(cmd.domain()),
            Fields.optionalText("industry", cmd.industry()),
            cmd.sizeBand(),
            Fields.nonNegative("employeeCount", cmd.employeeCount()),
            annualRevenue(cmd.annualRevenue()),
            Objects.requireNonNullElse(cmd.status(), CompanyStatus.PROSPECT),
            Objects.requireNonNullElse(cmd.priority(), Priority.MEDIUM),
            Fields.optionalText("ownerId", cmd.ownerId()),
            cmd.at()));
  }

  @CommandHandler
  public Long handle(UpdateCompany cmd) {
    requireChangeable(cmd.tenantId());
    String newName = cmd.name() == null ? null : Fields.requireText("name", cmd.name());
    String newDomain = domain(cmd.domain());
    String newIndustry = Fields.optionalText("industry", cmd.industry());
    Integer newEmployeeCount = Fields.nonNegative("employeeCount", cmd.employeeCount());
    BigDecimal newAnnualRevenue = annualRevenue(cmd.annualRevenue());
    String newOwnerId = Fields.optionalText("ownerId", cmd.ownerId());

    var update =
        new CompanyUpdated(
            companyId,
            tenantId,
            changed(newName, name),
            changed(newDomain, domain),
            changed(newIndustry, industry),
            changed(cmd.sizeBand(), sizeBand),
            changed(newEmployeeCount, employeeCount),
            sameAmount(newAnnualRevenue, annualRevenue) ? null : newAnnualRevenue,
            changed(cmd.status(), status),
            changed(cmd.priority(), priority),
            changed(newOwnerId, ownerId),
            cmd.at());
    if (!changesNothing(update)) {
      apply(update);
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(ArchiveCompany cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, companyId);
    if (!archived) {
      apply(new CompanyArchived(companyId, tenantId, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(RestoreCompany cmd) {
    TenantGuard.requireSameTenant(tenantId, cmd.tenantId(), TYPE, companyId);
    if (archived) {
      apply(new CompanyRestored(companyId, tenantId, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @EventSourcingHandler
  void on(CompanyCreated event) {
    companyId = event.companyId();
    tenantId = event.tenantId();
    name = event.name();
    domain = event.domain();
    industry = event.industry();
    sizeBand = event.sizeBand();
    employeeCount = event.employeeCount();
    annualRevenue = event.annualRevenue();
    status = event.status();
    priority = event.priority();
    ownerId = event.ownerId();
    archived = false;
  }

  @EventSourcingHandler
  void on(CompanyUpdated event) {
    if (event.name() != null) {
      name = event.name();
    }
    if (event.domain() != null) {
      domain = event.domain();
    }
    if (event.industry() != null) {
      industry = event.industry();
    }
    if (event.sizeBand() != null) {
      sizeBand = event.sizeBand();
    }
    if (event.employeeCount() != null) {
      employeeCount = event.employeeCount();
    }
    if (event.annualRevenue() != null) {
      annualRevenue = event.annualRevenue();
    }
    if (event.status() != null) {
      status = event.status();
    }
    if (event.priority() != null) {
      priority = event.priority();
    }
    if (event.ownerId() != null) {
      ownerId = event.ownerId();
    }
  }

  @EventSourcingHandler
  void on(CompanyArchived event) {
    archived = true;
  }

  @EventSourcingHandler
  void on(CompanyRestored event) {
    archived = false;
  }

  /** Foreign tenants see no company at all; archived companies refuse changes until restored. */
  private void requireChangeable(String commandTenant) {
    TenantGuard.requireSameTenant(tenantId, commandTenant, TYPE, companyId);
    if (archived) {
      throw new AggregateArchived(TYPE, companyId);
    }
  }

  /** Domains compare case-insensitively, so they are stored trimmed and lower-cased. */
  private static String domain(String value) {
    if (value == null) {
      return null;
    }
    String host = Fields.optionalText("domain", value.trim().toLowerCase(Locale.ROOT));
    if (!HOST_NAME.matcher(host).matches()) {
      throw new InvalidField("domain", "must be a host name such as example.com");
    }
    return host;
  }

  /** Revenue is an amount earned, never a debt. */
  private static BigDecimal annualRevenue(BigDecimal value) {
    if (value != null && value.signum() < 0) {
      throw new InvalidField("annualRevenue", "must not be negative");
    }
    return value;
  }

  /** 1e6 and 1000000.00 are the same revenue; a change of scale alone is not a change. */
  private static boolean sameAmount(BigDecimal requested, BigDecimal current) {
    return requested == null || (current != null && requested.compareTo(current) == 0);
  }

  /** The requested value if it differs from the current one, else {@code null} (unchanged). */
  private static <T> T changed(T requested, T current) {
    return requested == null || requested.equals(current) ? null : requested;
  }

  private static boolean changesNothing(CompanyUpdated update) {
    return update.name() == null
        && update.domain() == null
        && update.industry() == null
        && update.sizeBand() == null
        && update.employeeCount() == null
        && update.annualRevenue() == null
        && update.status() == null
        && update.priority() == null
        && update.ownerId() == null;
  }
}
