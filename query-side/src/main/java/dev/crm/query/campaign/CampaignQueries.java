package dev.crm.query.campaign;

import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.time.OffsetDateTime;
import java.util.List;

/** Typed queries on the campaign read model and the views they answer with. */
public final class CampaignQueries {
  private CampaignQueries() {}

  public record FindCampaignById(String tenantId, String campaignId) {}

  /** Filters are AND-ed; a {@code null} filter is not applied. */
  public record ListCampaigns(String tenantId, String state, String channel, ListRequest page) {}

  public record CampaignView(
      String id,
      long version,
      String name,
      String channel,
      String description,
      String state,
      OffsetDateTime startAt,
      OffsetDateTime launchedAt,
      OffsetDateTime endedAt,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  /** One page of campaign rows; {@code nextCursor} is {@code null} on the last page. */
  public record CampaignPage(List<CampaignView> items, String nextCursor) {
    public CampaignPage {
      items = List.copyOf(items);
    }

    static CampaignPage of(Page<CampaignView> page) {
      return new CampaignPage(page.items(), page.nextCursor());
    }
  }
}
