package dev.crm.query.segment;

import dev.crm.infra.segment.SavedSegmentConditions;
import dev.crm.query.shared.InvalidQuery;
import java.time.Clock;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Component;

/**
 * Compiles saved segments' definitions for the projections that keep their members, with the same
 * compiler that answers ad-hoc filters, so a kept segment holds exactly the contacts a live filter
 * would select.
 */
@Component
public class SavedSegmentFilters implements SavedSegmentConditions {
  private final ContactFilterCompiler compiler;

  public SavedSegmentFilters(DSLContext db, Clock clock) {
    this.compiler = new ContactFilterCompiler(db, clock);
  }

  @Override
  public Compiled compile(UUID tenantId, JSONB definition) {
    SegmentFilter filter = SegmentQueryHandler.filter(definition);
    Condition condition;
    try {
      condition = compiler.compile(tenantId, filter);
    } catch (InvalidQuery e) {
      return Compiled.live(LiveReason.INVALID);
    }
    return ContactFilterCompiler.readsClock(filter)
        ? Compiled.live(LiveReason.CLOCK)
        : Compiled.kept(condition);
  }
}
