package dev.crm.domain.contact;

/** Where a contact stands in the funnel, in HubSpot's order. */
public enum LifecycleStage {
  SUBSCRIBER,
  LEAD,
  MQL,
  SQL,
  OPPORTUNITY,
  CUSTOMER,
  EVANGELIST,
  OTHER
}
