package dev.crm.domain.campaign;

import dev.crm.domain.shared.DomainException;

/** The campaign's state machine does not allow this step from the current state. */
public final class InvalidCampaignTransition extends DomainException {
  private final String campaignId;
  private final CampaignState current;
  private final String action;

  public InvalidCampaignTransition(String campaignId, CampaignState current, String action) {
    super("cannot " + action + " campaign " + campaignId + " while it is " + current);
    this.campaignId = campaignId;
    this.current = current;
    this.action = action;
  }

  public String campaignId() {
    return campaignId;
  }

  public CampaignState current() {
    return current;
  }

  public String action() {
    return action;
  }
}
