package dev.crm.infra.segment;

import java.util.UUID;
import org.jooq.Condition;
import org.jooq.JSONB;

/**
 * The contact filter language as the projections need it to keep saved segments' members. The query
 * side defines the language and implements this port, so both sides select contacts with the very
 * same SQL.
 */
public interface SavedSegmentConditions {

  /**
   * What a saved definition (JSON in the segment table's shape) selects among the tenant's contacts
   * now: a condition on the contact table, or why its members cannot be kept.
   */
  Compiled compile(UUID tenantId, JSONB definition);

  /** A kept segment's condition, or the reason it is counted live. */
  record Compiled(Condition condition, LiveReason liveReason) {
    public static Compiled kept(Condition condition) {
      return new Compiled(condition, null);
    }

    public static Compiled live(LiveReason reason) {
      return new Compiled(null, reason);
    }

    public boolean isKept() {
      return condition != null;
    }
  }

  /** Why a segment's members are not kept. */
  enum LiveReason {
    /** Its filter reads the clock (relative dates, days since an activity): members drift. */
    CLOCK,
    /** Its filter no longer compiles (a custom field it names was removed): counting says why. */
    INVALID;

    public String column() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
