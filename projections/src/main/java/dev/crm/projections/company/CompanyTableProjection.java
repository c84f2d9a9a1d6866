package dev.crm.projections.company;

import static dev.crm.db.jooq.Tables.COMPANY;
import static org.jooq.impl.DSL.val;

import dev.crm.db.jooq.tables.records.CompanyRecord;
import dev.crm.domain.company.CompanyEvent.CompanyArchived;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyRestored;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.projections.segment.SegmentMembers;
import dev.crm.projections.shared.BatchedInserts;
import dev.crm.projections.shared.BatchedKeys;
import dev.crm.projections.shared.SortKeys;
import dev.crm.projections.shared.Times;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The company read table, guarded by the aggregate sequence number like every projection; new
 * companies of a batch are written together ({@link BatchedInserts}).
 */
@Component
@ProcessingGroup(CompanyTableProjection.GROUP)
public class CompanyTableProjection {
  public static final String GROUP = ProcessingGroups.COMPANY_TABLE;

  private final DSLContext db;
  private final BatchedInserts<CompanyRecord> inserts;

  /**
   * The batch's new and changed companies, whose contacts saved segments on company fields evaluate
   * again once all rows are written (a contact may name a company before its row exists).
   */
  private final BatchedKeys<UUID> changed;

  @Autowired
  public CompanyTableProjection(DSLContext db, SegmentMembers segmentMembers) {
    this(db, new BatchedInserts<>(db, COMPANY), segmentMembers::companiesChanged);
  }

  private CompanyTableProjection(
      DSLContext db,
      BatchedInserts<CompanyRecord> inserts,
      Consumer<Map<UUID, Set<UUID>>> companiesChanged) {
    this.db = db;
    this.inserts = inserts;
    this.changed =
        new BatchedKeys<>(
            GROUP,
            companies -> {
              inserts.flush();
              companiesChanged.accept(companies);
            });
  }

  /**
   * A second instance for a rebuild into new tables: {@code db} renders the company table under the
   * new table's name, and saved segments are not evaluated (they are built again after the switch).
   */
  public static CompanyTableProjection forRebuild(DSLContext db) {
    return new CompanyTableProjection(db, BatchedInserts.copying(db, COMPANY), companies -> {});
  }

  @EventHandler
  void on(CompanyCreated e, @SequenceNumber long seq) {
    CompanyRecord row = new CompanyRecord();
    row.setTenantId(UUID.fromString(e.tenantId()));
    row.setId(UUID.fromString(e.companyId()));
    row.setVersion(seq);
    row.setName(e.name());
    row.setSortName(SortKeys.name(e.name()));
    row.setDomain(e.domain());
    row.setIndustry(e.industry());
    row.setSizeBand(e.sizeBand() == null ? null : e.sizeBand().name());
    row.setEmployeeCount(e.employeeCount());
    row.setAnnualRevenue(e.annualRevenue());
    row.setStatus(e.status().name());
    row.setPriority(e.priority().name());
    row.setOwnerId(e.ownerId());
    row.setArchived(false);
    row.setCreatedAt(Times.utc(e.at()));
    row.setUpdatedAt(Times.utc(e.at()));
    inserts.add(row);
    changed.add(e.tenantId(), row.getId());
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
    inserts.flush();
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
    changed.add(tenantId, UUID.fromString(companyId));
  }
}
