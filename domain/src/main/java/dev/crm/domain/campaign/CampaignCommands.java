package dev.crm.domain.campaign;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** Commands for the campaign aggregate; tenant and time come with each command. */
public final class CampaignCommands {
  private CampaignCommands() {}

  public record CreateCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      String name,
      Channel channel,
      String description,
      Instant at) {}

  /** Plans the launch for {@code startAt}, which must lie after {@code at}. */
  public record ScheduleCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant startAt,
      Instant at) {}

  public record LaunchCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record PauseCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record ResumeCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record CompleteCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}

  public record CancelCampaign(
      @TargetAggregateIdentifier String campaignId,
      String tenantId,
      @TargetAggregateVersion Long expectedVersion,
      Instant at) {}
}
