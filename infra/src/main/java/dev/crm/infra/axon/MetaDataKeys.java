package dev.crm.infra.axon;

/** Metadata keys every command carries and every event inherits. */
public final class MetaDataKeys {
  public static final String TENANT_ID = "tenantId";
  public static final String ACTOR_ID = "actorId";
  public static final String REQUEST_ID = "requestId";

  private MetaDataKeys() {}
}
