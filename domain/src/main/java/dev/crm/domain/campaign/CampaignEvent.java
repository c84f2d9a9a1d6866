package dev.crm.domain.campaign;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Everything that happens to a campaign. */
public sealed interface CampaignEvent {
  String campaignId();

  String tenantId();

  Instant at();

  @Revision("1")
  record CampaignCreated(
      String campaignId,
      String tenantId,
      String name,
      Channel channel,
      String description,
      Instant at)
      implements CampaignEvent {}

  @Revision("1")
  record CampaignScheduled(String campaignId, String tenantId, Instant startAt, Instant at)
      implements CampaignEvent {}

  @Revision("1")
  record CampaignLaunched(String campaignId, String tenantId, Instant at)
      implements CampaignEvent {}

  @Revision("1")
  record CampaignPaused(String campaignId, String tenantId, Instant at) implements CampaignEvent {}

  @Revision("1")
  record CampaignResumed(String campaignId, String tenantId, Instant at) implements CampaignEvent {}

  @Revision("1")
  record CampaignCompleted(String campaignId, String tenantId, Instant at)
      implements CampaignEvent {}

  @Revision("1")
  record CampaignCancelled(String campaignId, String tenantId, CampaignState from, Instant at)
      implements CampaignEvent {}
}
