package dev.crm.projections.shared;

import static org.jooq.impl.DSL.val;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
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
    statement(db, row, val(seq, row.version()), val(Times.utc(at), row.updatedAt()), changes)
        .execute();
  }

  /**
   * The guarded update with the event's sequence number and time as expressions: values, or the
   * parameters of a statement bound once per event ({@link BatchedStatement}).
   */
  public static Query statement(
      DSLContext db,
      Row row,
      Field<Long> seq,
      Field<OffsetDateTime> at,
      Map<Field<?>, Object> changes) {
    Map<Field<?>, Object> all = new LinkedHashMap<>(changes);
    all.put(row.version(), seq);
    all.put(row.updatedAt(), at);
    return db.update(row.table()).set(all).where(row.key(), row.version().lt(seq));
  }
}
