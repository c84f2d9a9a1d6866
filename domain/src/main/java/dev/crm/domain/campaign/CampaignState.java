package dev.crm.domain.campaign;

/** draft → scheduled → running ⇄ paused → completed; cancelled from any state but the ends. */
public enum CampaignState {
  DRAFT,
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  CANCELLED
}
