package dev.crm.projections.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.crm.domain.company.CompanyEvent;
import dev.crm.domain.company.CompanyEvent.CompanyArchived;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyRestored;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A company as the companies index stores it (mapping {@code companies-v1.json}); its version is
 * the aggregate sequence number, sent as the external version.
 */
final class CompanyDocument {
  public String id;
  public String tenantId;
  public String name;
  public String domain;
  public String industry;
  public String sizeBand;
  public String status;
  public String ownerId;
  public Integer employeeCount;
  public boolean archived;
  public Instant createdAt;
  public Instant updatedAt;
  public ContactDocument.Suggestion suggest;

  @JsonIgnore long version = -1;

  static CompanyDocument created(CompanyCreated e, long seq) {
    CompanyDocument d = new CompanyDocument();
    d.id = e.companyId();
    d.tenantId = e.tenantId();
    d.name = e.name();
    d.domain = e.domain();
    d.industry = e.industry();
    d.sizeBand = e.sizeBand() == null ? null : e.sizeBand().name();
    d.status = e.status() == null ? null : e.status().name();
    d.ownerId = e.ownerId();
    d.employeeCount = e.employeeCount();
    d.createdAt = e.at();
    d.updatedAt = e.at();
    d.version = seq;
    d.refreshSuggestion();
    return d;
  }

  /** Applies an event newer than this document; false for one it already reflects. */
  boolean apply(CompanyEvent event, long seq) {
    if (seq <= version) {
      return false;
    }
    switch (event) {
      case CompanyCreated e -> {
        return false;
      }
      case CompanyUpdated e -> {
        if (e.name() != null) {
          name = e.name();
        }
        if (e.domain() != null) {
          domain = e.domain();
        }
        if (e.industry() != null) {
          industry = e.industry();
        }
        if (e.sizeBand() != null) {
          sizeBand = e.sizeBand().name();
        }
        if (e.status() != null) {
          status = e.status().name();
        }
        if (e.ownerId() != null) {
          ownerId = e.ownerId();
        }
        if (e.employeeCount() != null) {
          employeeCount = e.employeeCount();
        }
      }
      case CompanyArchived e -> archived = true;
      case CompanyRestored e -> archived = false;
    }
    updatedAt = event.at();
    version = seq;
    refreshSuggestion();
    return true;
  }

  private void refreshSuggestion() {
    List<String> input =
        Stream.of(name, domain).filter(v -> v != null && !v.isBlank()).distinct().toList();
    suggest =
        new ContactDocument.Suggestion(
            input, Map.of("tenant", List.of(archived ? tenantId + ":archived" : tenantId)));
  }
}
