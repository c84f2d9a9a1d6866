package dev.crm.projections.campaign;

import static dev.crm.db.jooq.Tables.CAMPAIGN;
import static org.jooq.impl.DSL.val;

import dev.crm.domain.campaign.CampaignEvent.CampaignCancelled;
import dev.crm.domain.campaign.CampaignEvent.CampaignCompleted;
import dev.crm.domain.campaign.CampaignEvent.CampaignCreated;
import dev.crm.domain.campaign.CampaignEvent.CampaignLaunched;
import dev.crm.domain.campaign.CampaignEvent.CampaignPaused;
import dev.crm.domain.campaign.CampaignEvent.CampaignResumed;
import dev.crm.domain.campaign.CampaignEvent.CampaignScheduled;
import dev.crm.domain.campaign.CampaignState;
import dev.crm.projections.shared.SortKeys;
import dev.crm.projections.shared.Times;
import dev.crm.projections.shared.VersionGuard;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

/** The campaign read table: one row per campaign with its current state. */
@Component
@ProcessingGroup(CampaignTableProjection.GROUP)
public class CampaignTableProjection {
  public static final String GROUP = "campaign-table";

  private final DSLContext db;

  public CampaignTableProjection(DSLContext db) {
    this.db = db;
  }

  @EventHandler
  void on(CampaignCreated e, @SequenceNumber long seq) {
    db.insertInto(CAMPAIGN)
        .set(CAMPAIGN.TENANT_ID, UUID.fromString(e.tenantId()))
        .set(CAMPAIGN.ID, UUID.fromString(e.campaignId()))
        .set(CAMPAIGN.VERSION, seq)
        .set(CAMPAIGN.NAME, e.name())
        .set(CAMPAIGN.SORT_NAME, SortKeys.name(val(e.name(), String.class)))
        .set(CAMPAIGN.CHANNEL, e.channel().name())
        .set(CAMPAIGN.DESCRIPTION, e.description())
        .set(CAMPAIGN.STATE, CampaignState.DRAFT.name())
        .set(CAMPAIGN.CREATED_AT, Times.utc(e.at()))
        .set(CAMPAIGN.UPDATED_AT, Times.utc(e.at()))
        .onConflictDoNothing()
        .execute();
  }

  @EventHandler
  void on(CampaignScheduled e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    changes.put(CAMPAIGN.STATE, CampaignState.SCHEDULED.name());
    changes.put(CAMPAIGN.START_AT, Times.utc(e.startAt()));
    update(e.tenantId(), e.campaignId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(CampaignLaunched e, @SequenceNumber long seq) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    changes.put(CAMPAIGN.STATE, CampaignState.RUNNING.name());
    changes.put(CAMPAIGN.LAUNCHED_AT, Times.utc(e.at()));
    update(e.tenantId(), e.campaignId(), seq, e.at(), changes);
  }

  @EventHandler
  void on(CampaignPaused e, @SequenceNumber long seq) {
    update(
        e.tenantId(),
        e.campaignId(),
        seq,
        e.at(),
        Map.of(CAMPAIGN.STATE, CampaignState.PAUSED.name()));
  }

  @EventHandler
  void on(CampaignResumed e, @SequenceNumber long seq) {
    update(
        e.tenantId(),
        e.campaignId(),
        seq,
        e.at(),
        Map.of(CAMPAIGN.STATE, CampaignState.RUNNING.name()));
  }

  @EventHandler
  void on(CampaignCompleted e, @SequenceNumber long seq) {
    ended(e.tenantId(), e.campaignId(), seq, e.at(), CampaignState.COMPLETED);
  }

  @EventHandler
  void on(CampaignCancelled e, @SequenceNumber long seq) {
    ended(e.tenantId(), e.campaignId(), seq, e.at(), CampaignState.CANCELLED);
  }

  private void ended(
      String tenantId, String campaignId, long seq, Instant at, CampaignState state) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    changes.put(CAMPAIGN.STATE, state.name());
    changes.put(CAMPAIGN.ENDED_AT, Times.utc(at));
    update(tenantId, campaignId, seq, at, changes);
  }

  private void update(
      String tenantId, String campaignId, long seq, Instant at, Map<Field<?>, Object> changes) {
    VersionGuard.Row row =
        new VersionGuard.Row(
            CAMPAIGN,
            CAMPAIGN
                .TENANT_ID
                .eq(UUID.fromString(tenantId))
                .and(CAMPAIGN.ID.eq(UUID.fromString(campaignId))),
            CAMPAIGN.VERSION,
            CAMPAIGN.UPDATED_AT);
    VersionGuard.update(db, row, seq, at, changes);
  }
}
