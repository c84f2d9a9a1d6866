package dev.crm.domain.campaign;

import static dev.crm.domain.campaign.CampaignState.CANCELLED;
import static dev.crm.domain.campaign.CampaignState.COMPLETED;
import static dev.crm.domain.campaign.CampaignState.DRAFT;
import static dev.crm.domain.campaign.CampaignState.PAUSED;
import static dev.crm.domain.campaign.CampaignState.RUNNING;
import static dev.crm.domain.campaign.CampaignState.SCHEDULED;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.crm.domain.campaign.CampaignCommands.CancelCampaign;
import dev.crm.domain.campaign.CampaignCommands.CompleteCampaign;
import dev.crm.domain.campaign.CampaignCommands.CreateCampaign;
import dev.crm.domain.campaign.CampaignCommands.LaunchCampaign;
import dev.crm.domain.campaign.CampaignCommands.PauseCampaign;
import dev.crm.domain.campaign.CampaignCommands.ResumeCampaign;
import dev.crm.domain.campaign.CampaignCommands.ScheduleCampaign;
import dev.crm.domain.campaign.CampaignEvent.CampaignCancelled;
import dev.crm.domain.campaign.CampaignEvent.CampaignCompleted;
import dev.crm.domain.campaign.CampaignEvent.CampaignCreated;
import dev.crm.domain.campaign.CampaignEvent.CampaignLaunched;
import dev.crm.domain.campaign.CampaignEvent.CampaignPaused;
import dev.crm.domain.campaign.CampaignEvent.CampaignResumed;
import dev.crm.domain.campaign.CampaignEvent.CampaignScheduled;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.InvalidField;
import dev.crm.domain.shared.TenantGuard;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

/** A marketing campaign and its life cycle from draft to completed or cancelled. */
public class Campaign {
  private static final String TYPE = "campaign";

  @AggregateIdentifier private String campaignId;
  private String tenantId;
  private String name;
  private Channel channel;
  private String description;
  private Instant startAt;
  private CampaignState state;

  protected Campaign() {
    // for Axon
  }

  @CommandHandler
  public Campaign(CreateCampaign cmd) {
    String validName = Fields.requireText("name", cmd.name());
    if (cmd.channel() == null) {
      throw new InvalidField("channel", "is required");
    }
    String validDescription =
        Fields.optionalText("description", cmd.description(), Fields.MAX_LONG_TEXT);
    apply(
        new CampaignCreated(
            cmd.campaignId(),
            cmd.tenantId(),
            validName,
            cmd.channel(),
            validDescription,
            cmd.at()));
  }

  @CommandHandler
  public Long handle(ScheduleCampaign cmd) {
    requireStep(cmd.tenantId(), Step.SCHEDULE);
    requireFutureStart(cmd.startAt(), cmd.at());
    apply(new CampaignScheduled(campaignId, tenantId, cmd.startAt(), cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(LaunchCampaign cmd) {
    requireStep(cmd.tenantId(), Step.LAUNCH);
    apply(new CampaignLaunched(campaignId, tenantId, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(PauseCampaign cmd) {
    requireStep(cmd.tenantId(), Step.PAUSE);
    apply(new CampaignPaused(campaignId, tenantId, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(ResumeCampaign cmd) {
    requireStep(cmd.tenantId(), Step.RESUME);
    apply(new CampaignResumed(campaignId, tenantId, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(CompleteCampaign cmd) {
    requireStep(cmd.tenantId(), Step.COMPLETE);
    apply(new CampaignCompleted(campaignId, tenantId, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(CancelCampaign cmd) {
    requireStep(cmd.tenantId(), Step.CANCEL);
    apply(new CampaignCancelled(campaignId, tenantId, state, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @EventSourcingHandler
  void on(CampaignCreated event) {
    campaignId = event.campaignId();
    tenantId = event.tenantId();
    name = event.name();
    channel = event.channel();
    description = event.description();
    state = DRAFT;
  }

  @EventSourcingHandler
  void on(CampaignScheduled event) {
    startAt = event.startAt();
    state = SCHEDULED;
  }

  @EventSourcingHandler
  void on(CampaignLaunched event) {
    state = RUNNING;
  }

  @EventSourcingHandler
  void on(CampaignPaused event) {
    state = PAUSED;
  }

  @EventSourcingHandler
  void on(CampaignResumed event) {
    state = RUNNING;
  }

  @EventSourcingHandler
  void on(CampaignCompleted event) {
    state = COMPLETED;
  }

  @EventSourcingHandler
  void on(CampaignCancelled event) {
    state = CANCELLED;
  }

  /** Foreign tenants see no campaign at all; then the state machine must allow the step. */
  private void requireStep(String commandTenant, Step step) {
    TenantGuard.requireSameTenant(tenantId, commandTenant, TYPE, campaignId);
    if (!step.allowedFrom.contains(state)) {
      throw new InvalidCampaignTransition(campaignId, state, step.action);
    }
  }

  /** A launch can only be planned for later than the moment it is planned at. */
  private static void requireFutureStart(Instant startAt, Instant at) {
    if (startAt == null) {
      throw new InvalidField("startAt", "is required");
    }
    if (!startAt.isAfter(at)) {
      throw new InvalidField("startAt", "must be in the future");
    }
  }

  /** The campaign's state machine: each step and the states it may be taken from. */
  private enum Step {
    // Rescheduling a scheduled campaign moves its start.
    SCHEDULE("schedule", EnumSet.of(DRAFT, SCHEDULED)),
    LAUNCH("launch", EnumSet.of(SCHEDULED)),
    PAUSE("pause", EnumSet.of(RUNNING)),
    RESUME("resume", EnumSet.of(PAUSED)),
    COMPLETE("complete", EnumSet.of(RUNNING, PAUSED)),
    // Completed and cancelled are the ends: nothing leaves them.
    CANCEL("cancel", EnumSet.of(DRAFT, SCHEDULED, RUNNING, PAUSED));

    private final String action;
    private final Set<CampaignState> allowedFrom;

    Step(String action, Set<CampaignState> allowedFrom) {
      this.action = action;
      this.allowedFrom = allowedFrom;
    }
  }
}
