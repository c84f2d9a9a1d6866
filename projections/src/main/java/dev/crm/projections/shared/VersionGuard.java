package dev.crm.projections.shared;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/**
 * The one write rule of every read table: a row changes only for an event newer than the row
 * ({@code version < seq}), so a redelivered or replayed event is a no-op.
 */
public final class VersionGuard {
  private VersionGuard() {}

  /** A read table's row key and its version and last-change columns. */
  public record Row(
      Table<?> table, Condition key, Field<Long> version, Field<OffsetDateTime> updatedAt) {}

  public static void update(
      DSLContext db, Row row, long seq, Instant at, Map<Field<?>, Object> changes) {
    Map<Field<?>, Object> all = new LinkedHashMap<>(changes);
    all.put(row.version(), seq);
    all.put(row.updatedAt(), at.atOffset(ZoneOffset.UTC));
    db.update(row.table()).set(all).where(row.key(), row.version().lt(seq)).execute();
  }
}
