package dev.crm.query.campaign;

import static dev.crm.db.jooq.Tables.CAMPAIGN;

import dev.crm.query.campaign.CampaignQueries.CampaignPage;
import dev.crm.query.campaign.CampaignQueries.CampaignView;
import dev.crm.query.campaign.CampaignQueries.FindCampaignById;
import dev.crm.query.campaign.CampaignQueries.ListCampaigns;
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

/** Answers campaign queries from the campaign read table, always inside the caller's tenant. */
@Component
public class CampaignQueryHandler {
  private final DSLContext db;

  public CampaignQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public Optional<CampaignView> handle(FindCampaignById query) {
    Optional<UUID> id = Ids.parse(query.campaignId());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.selectFrom(CAMPAIGN)
        .where(CAMPAIGN.TENANT_ID.eq(UUID.fromString(query.tenantId())), CAMPAIGN.ID.eq(id.get()))
        .fetchOptional(CampaignQueryHandler::view);
  }

  @QueryHandler
  public CampaignPage handle(ListCampaigns query) {
    List<Condition> where = new ArrayList<>();
    where.add(CAMPAIGN.TENANT_ID.eq(UUID.fromString(query.tenantId())));
    if (query.state() != null) {
      where.add(CAMPAIGN.STATE.eq(query.state()));
    }
    if (query.channel() != null) {
      where.add(CAMPAIGN.CHANNEL.eq(query.channel()));
    }
    return CampaignPage.of(
        Keyset.page(
            db,
            CAMPAIGN,
            List.of(CAMPAIGN.fields()),
            DSL.and(where),
            sortKey(query.page().sort()),
            CAMPAIGN.ID,
            query.page(),
            CampaignQueryHandler::view));
  }

  private static Field<?> sortKey(ListRequest.Sort sort) {
    return switch (sort) {
      case CREATED -> CAMPAIGN.CREATED_AT;
      case UPDATED -> CAMPAIGN.UPDATED_AT;
      case NAME -> CAMPAIGN.SORT_NAME;
    };
  }

  private static CampaignView view(Record r) {
    return new CampaignView(
        r.get(CAMPAIGN.ID).toString(),
        r.get(CAMPAIGN.VERSION),
        r.get(CAMPAIGN.NAME),
        r.get(CAMPAIGN.CHANNEL),
        r.get(CAMPAIGN.DESCRIPTION),
        r.get(CAMPAIGN.STATE),
        r.get(CAMPAIGN.START_AT),
        r.get(CAMPAIGN.LAUNCHED_AT),
        r.get(CAMPAIGN.ENDED_AT),
        r.get(CAMPAIGN.CREATED_AT),
        r.get(CAMPAIGN.UPDATED_AT));
  }
}
