package dev.crm.query.audit;

import dev.crm.query.shared.InvalidQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which events an audit export holds: always one tenant's (from the caller's credentials), and
 * optionally those stored in {@code [from, to)}, of one aggregate type or aggregate, by one actor,
 * of one event type (its class name, simple or qualified), after event-store position {@code after}
 * (to resume an export that was cut off: pass the last position it holds).
 */
public record AuditFilter(
    String tenantId,
    Instant from,
    Instant to,
    String aggregateType,
    String aggregateId,
    String actorId,
    String eventType,
    long after) {

  public AuditFilter {
    if (tenantId == null || tenantId.isBlank()) {
      throw new IllegalArgumentException("an audit export is always one tenant's");
    }
    if (from != null && to != null && !to.isAfter(from)) {
      throw new InvalidQuery("to", "must be after from");
    }
    if (after < -1) {
      throw new InvalidQuery("after", "must be a position (0 or more), or -1 for the start");
    }
    aggregateType = blankToNull(aggregateType);
    aggregateId = blankToNull(aggregateId);
    actorId = blankToNull(actorId);
    eventType = blankToNull(eventType);
  }

  /** The filters as the export's header and manifest name them (tenant and start apart). */
  public Map<String, Object> described() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (from != null) {
      m.put("from", from.toString());
    }
    if (to != null) {
      m.put("to", to.toString());
    }
    if (aggregateType != null) {
      m.put("aggregateType", aggregateType);
    }
    if (aggregateId != null) {
      m.put("aggregateId", aggregateId);
    }
    if (actorId != null) {
      m.put("actorId", actorId);
    }
    if (eventType != null) {
      m.put("eventType", eventType);
    }
    return m;
  }

  /** The same filter, resuming after {@code position}. */
  public AuditFilter resumedAfter(long position) {
    return new AuditFilter(
        tenantId, from, to, aggregateType, aggregateId, actorId, eventType, position);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
