package dev.crm.query.company;

import static dev.crm.db.jooq.Tables.COMPANY;

import dev.crm.query.company.CompanyQueries.CompanyPage;
import dev.crm.query.company.CompanyQueries.CompanyView;
import dev.crm.query.company.CompanyQueries.FindCompanyById;
import dev.crm.query.company.CompanyQueries.ListCompanies;
import dev.crm.query.shared.Ids;
import dev.crm.query.shared.Keyset;
import dev.crm.query.shared.ListRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/** Answers company queries from the company read table, always inside the caller's tenant. */
@Component
public class CompanyQueryHandler {
  private final DSLContext db;

  public CompanyQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public Optional<CompanyView> handle(FindCompanyById query) {
    Optional<UUID> id = Ids.parse(query.companyId());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.selectFrom(COMPANY)
        .where(COMPANY.TENANT_ID.eq(UUID.fromString(query.tenantId())), COMPANY.ID.eq(id.get()))
        .fetchOptional(CompanyQueryHandler::view);
  }

  @QueryHandler
  public CompanyPage handle(ListCompanies query) {
    List<Condition> where = new ArrayList<>();
    where.add(COMPANY.TENANT_ID.eq(UUID.fromString(query.tenantId())));
    if (!query.includeArchived()) {
      where.add(COMPANY.ARCHIVED.isFalse());
    }
    if (query.status() != null) {
      where.add(COMPANY.STATUS.eq(query.status()));
    }
    if (query.ownerId() != null) {
      where.add(COMPANY.OWNER_ID.eq(query.ownerId()));
    }
    if (query.industry() != null) {
      where.add(COMPANY.INDUSTRY.eq(query.industry()));
    }
    return CompanyPage.of(
        Keyset.page(
            db,
            COMPANY,
            List.of(COMPANY.fields()),
            DSL.and(where),
            sortKey(query.page().sort()),
            COMPANY.ID,
            query.page(),
            CompanyQueryHandler::view));
  }

  private static Field<?> sortKey(ListRequest.Sort sort) {
    return switch (sort) {
      case CREATED -> COMPANY.CREATED_AT;
      case UPDATED -> COMPANY.UPDATED_AT;
      case NAME -> COMPANY.SORT_NAME;
    };
  }

  private static CompanyView view(Record r) {
    return new CompanyView(
        r.get(COMPANY.ID).toString(),
        r.get(COMPANY.VERSION),
        r.get(COMPANY.NAME),
        r.get(COMPANY.DOMAIN),
        r.get(COMPANY.INDUSTRY),
        r.get(COMPANY.SIZE_BAND),
        r.get(COMPANY.EMPLOYEE_COUNT),
        r.get(COMPANY.ANNUAL_REVENUE),
        r.get(COMPANY.STATUS),
        r.get(COMPANY.PRIORITY),
        r.get(COMPANY.OWNER_ID),
        r.get(COMPANY.ARCHIVED),
        r.get(COMPANY.CREATED_AT),
        r.get(COMPANY.UPDATED_AT));
  }
}
