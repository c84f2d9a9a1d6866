package dev.crm.projections.shared;

import dev.crm.infra.deadletter.DeadLetterPolicy;
import dev.crm.infra.deadletter.HandlerSavepoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.TableRecord;
import org.jooq.UniqueKey;

/**
 * New rows of one read table, collected over a processor batch and written as one multi-row insert
 * when the unit of work commits. Bulk imports project at the rate they write this way, and the
 * table's statement-level dashboard trigger runs once per batch, upserting its counts in key order:
 * two segments' batches then lock count rows in the same order and cannot deadlock, as they did
 * with one insert statement per event. A projection calls {@link #flush()} before any other write,
 * so an update never runs before the insert it changes.
 *
 * <p>A row the table refuses for good (a constraint) fails the batch's insert, outside any handler,
 * where no event can be parked: the batch would be retried forever. So the rows of a refused batch
 * are remembered by key, and when they come again (the processor retries the batch) each is
 * inserted by the handler that makes it, under its handler's savepoint: the refused row fails its
 * own event, which is parked as a dead letter (with the later events of its aggregate), and the
 * others' rows commit. Rows of other batches are batched as ever: a flag for the whole table,
 * cleared by the next commit, was cleared by another segment's batch before the refused one came
 * back, which then failed again, a token-claim interval later each time.
 *
 * <p>A rebuild writes an empty table nobody else writes, where a row can only be new: there the
 * rows go in with {@code COPY} ({@link #copying}), which PostgreSQL loads faster than inserts and
 * which skips jOOQ's binding of every value.
 */
public final class BatchedInserts<R extends TableRecord<R>> {
  private final DSLContext db;
  private final Table<R> table;
  private final String resource;
  private final boolean copy;

  /**
   * Primary keys of the rows of refused batches: inserted one handler at a time until committed.
   */
  private final Set<List<Object>> refused = ConcurrentHashMap.newKeySet();

  public BatchedInserts(DSLContext db, Table<R> table) {
    this(db, table, false);
  }

  private BatchedInserts(DSLContext db, Table<R> table, boolean copy) {
    this.db = db;
    this.table = table;
    this.resource = BatchedInserts.class.getName() + "." + table.getName();
    this.copy = copy;
  }

  /** Rows written with {@code COPY}, for a table being rebuilt: an existing row fails the batch. */
  public static <R extends TableRecord<R>> BatchedInserts<R> copying(
      DSLContext db, Table<R> table) {
    return new BatchedInserts<>(db, table, true);
  }

  /** Queues a row (every column set) for this batch's insert; an existing row wins. */
  public void add(R row) {
    UnitOfWork<?> uow = CurrentUnitOfWork.get();
    if (!refused.isEmpty()) {
      List<Object> key = key(row);
      if (refused.contains(key)) {
        insert(List.of(row));
        uow.afterCommit(u -> refused.remove(key));
        return;
      }
    }
    uow.<List<R>>getOrComputeResource(
            resource,
            key -> {
              List<R> rows = new ArrayList<>();
              uow.onPrepareCommit(u -> write(rows));
              return rows;
            })
        .add(row);
  }

  /** Writes the rows queued so far in this unit of work. */
  public void flush() {
    CurrentUnitOfWork.map(uow -> uow.<List<R>>getResource(resource))
        .ifPresent(rows -> HandlerSavepoints.outside(() -> write(rows)));
  }

  private void write(List<R> rows) {
    if (rows.isEmpty()) {
      return;
    }
    if (copy) {
      CsvCopy.copy(db, table, rows);
      rows.clear();
      return;
    }
    try {
      insert(rows);
    } catch (RuntimeException e) {
      if (!DeadLetterPolicy.isTransient(e)) {
        rows.forEach(row -> refused.add(key(row)));
      }
      throw e;
    }
    rows.clear();
  }

  /** The row's primary key (the whole row where the table has none). */
  private List<Object> key(R row) {
    UniqueKey<R> primaryKey = table.getPrimaryKey();
    if (primaryKey == null) {
      return row.intoList();
    }
    List<Object> key = new ArrayList<>(primaryKey.getFields().size());
    for (TableField<R, ?> field : primaryKey.getFields()) {
      key.add(row.get(field));
    }
    return key;
  }

  private void insert(List<R> rows) {
    // One statement, rendered once and bound per row: the driver sends a JDBC batch, which
    // reWriteBatchedInserts turns into multi-row inserts.
    var insert =
        db.batch(
            db.insertInto(table, table.fields())
                .values(new Object[table.fields().length])
                .onConflictDoNothing());
    for (R row : rows) {
      insert = insert.bind(row.intoArray());
    }
    insert.execute();
  }
}
