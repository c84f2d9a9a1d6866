package dev.crm.domain.shared;

/** The aggregate is archived: it refuses changes until it is restored. */
public final class AggregateArchived extends DomainException {
  private final String aggregateType;
  private final String aggregateId;

  public AggregateArchived(String aggregateType, String aggregateId) {
    super(aggregateType + " " + aggregateId + " is archived; restore it before changing it");
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
