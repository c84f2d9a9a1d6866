package dev.crm.projections.company;

import static dev.crm.db.jooq.Tables.COMPANY;
import static org.jooq.impl.DSL.val;

import dev.crm.domain.company.CompanyEvent.CompanyArchived;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyRestored;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.projections.shared.SortKeys;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

/** The company read table, guarded by the aggregate sequence number like every projection. */
@Component
@ProcessingGroup(CompanyTableProjection.GROUP)
public class CompanyTableProjection {
  public static final String GROUP = ProcessingGroups.COMPANY_TABLE;

  private final DSLContext db;

  public CompanyTableProjection(DSLContext db) {
    this.db = db;
  }

  @EventHandler
  void on(CompanyCreated e, @SequenceNumber long seq) {
    db.insertInto(COMPANY)
        .set(COMPANY.TENANT_ID, UUID.fromString(e.tenantId()))
        .set(COMPANY.ID, UUID.fromString(e.companyId()))
        .set(COMPANY.VERSION, seq)
        .set(COMPANY.NAME, e.name())
        .set(COMPANY.SORT_NAME, SortKeys.name(val(e.name(), String.class)))
        .set(COMPANY.DOMAIN, e.domain())
        .set(COMPANY.INDUSTRY, e.industry())
        .set(COMPANY.SIZE_BAND, e.sizeBand() == null ? null : e.sizeBand().name())
        .set(COMPANY.EMPLOYEE_COUNT, e.employeeCount())
        .set(COMPANY.ANNUAL_REVENUE, e.annualRevenue())
        .set(COMPANY.STATUS, e.status().name())
        .set(COMPANY.PRIORITY, e.priority().name())
        .set(COMPANY.OWNER_ID, e.ownerId())
        .set(COMPANY.CREATED_AT, e.at().atOffset(ZoneOffset.UTC))
        .set(COMPANY.UPDATED_AT, e.at().atOffset(ZoneOffset.UTC))
        .onConflictDoNothing()
        .execute();
  }

  @EventHandler
  void on(CompanyUpdated e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    if (e.name() != null) {
      changes.put(COMPANY.NAME, e.name());
      changes.put(COMPANY.SORT_NAME, SortKeys.name(val(e.name(), String.class)));
    }
    putIfSet(changes, COMPANY.DOMAIN, e.domain());
    putIfSet(changes, COMPANY.INDUSTRY, e.industry());
    putIfSet(changes, COMPANY.SIZE_BAND, e.sizeBand() == null ? null : e.sizeBand().name());
    putIfSet(changes, COMPANY.EMPLOYEE_COUNT, e.employeeCount());
    putIfSet(changes, COMPANY.ANNUAL_REVENUE, e.annualRevenue());
    putIfSet(changes, COMPANY.STATUS, e.status() == null ? null : e.status().name());
    putIfSet(changes, COMPANY.PRIORITY, e.priority() == null ? null : e.priority().name());
    putIfSet(changes, COMPANY.OWNER_ID, e.ownerId());
    update(e.tenantId(), e.companyId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(CompanyArchived e, @SequenceNumber long seq) {
    update(e.tenantId(), e.companyId(), seq, e.at(), Map.of(COMPANY.ARCHIVED, true));
  }

  @EventHandler
  void on(CompanyRestored e, @SequenceNumber long seq) {
    update(e.tenantId(), e.companyId(), seq, e.at(), Map.of(COMPANY.ARCHIVED, false));
  }

  private static <T> void putIfSet(Map<Field<?>, Object> changes, Field<T> field, T value) {
    if (value != null) {
      changes.put(field, value);
    }
  }

  private void update(
      String tenantId, String companyId, long seq, Instant at, Map<Field<?>, Object> changes) {
    VersionGuard.Row row =
        new VersionGuard.Row(
            COMPANY,
            COMPANY
                .TENANT_ID
                .eq(UUID.fromString(tenantId))
                .and(COMPANY.ID.eq(UUID.fromString(companyId))),
            COMPANY.VERSION,
            COMPANY.UPDATED_AT);
    VersionGuard.update(db, row, seq, at, changes);
  }
}
