package dev.crm.domain.shared;

import java.util.Objects;

/** Commands name their tenant; an aggregate of another tenant answers as if it did not exist. */
public final class TenantGuard {
  private TenantGuard() {}

  public static void requireSameTenant(
      String aggregateTenant, String commandTenant, String aggregateType, String aggregateId) {
    if (!Objects.equals(aggregateTenant, commandTenant)) {
      throw new AggregateNotFound(aggregateType, aggregateId);
    }
  }
}
