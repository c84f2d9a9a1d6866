package dev.crm.domain.shared;

/**
 * The aggregate does not exist for the caller's tenant. Another tenant's id is reported the same
 * way as an unknown id, so ids never leak across tenants.
 */
public final class AggregateNotFound extends DomainException {
  private final String aggregateType;
  private final String aggregateId;

  public AggregateNotFound(String aggregateType, String aggregateId) {
    super(aggregateType + " " + aggregateId + " not found");
    this.aggregateType = aggregateType;
    this.aggregateId = aggregateId;
  }

  public String aggregateType() {
    return aggregateType;
  }

  public String aggregateId() {
    return aggregateId;
  }
}
