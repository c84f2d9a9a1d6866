package dev.crm.projections.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * One statement of a rebuild's projection, bound once per event by its named parameters and sent to
 * PostgreSQL as one JDBC batch: one prepared statement, one round trip, instead of a statement
 * rendered, sent and awaited for every event. The batch goes out when the projection's next other
 * write comes ({@link #flush()}, so writes keep their event order) or when the unit of work
 * commits.
 *
 * <p>Only for a rebuild, where a failed statement fails the whole batch anyway: the serving
 * processors run each handler's SQL in a savepoint of its own, so that a failing event is parked
 * alone as a dead letter, and a statement sent later, outside its handler, could not be.
 */
public final class BatchedStatement {
  private final DSLContext db;
  private final Query statement;
  private final String resource;

  /**
   * @param name names this statement among the unit of work's resources
   * @param statement its values are named parameters ({@link org.jooq.impl.DSL#param(String,
   *     org.jooq.DataType)}), a name used as often as the statement needs it
   */
  public BatchedStatement(DSLContext db, String name, Query statement) {
    this.db = db;
    this.statement = statement;
    this.resource = BatchedStatement.class.getName() + "." + name;
  }

  /** Queues the statement, bound to {@code values} by parameter name, for this unit of work. */
  public void add(Map<String, Object> values) {
    UnitOfWork<?> uow = CurrentUnitOfWork.get();
    uow.<List<Map<String, Object>>>getOrComputeResource(
            resource,
            key -> {
              List<Map<String, Object>> queued = new ArrayList<>();
              uow.onPrepareCommit(u -> execute(queued));
              return queued;
            })
        .add(values);
  }

  /** Sends the statements queued so far in this unit of work. */
  public void flush() {
    CurrentUnitOfWork.map(uow -> uow.<List<Map<String, Object>>>getResource(resource))
        .ifPresent(this::execute);
  }

  @SuppressWarnings("unchecked")
  private void execute(List<Map<String, Object>> queued) {
    if (queued.isEmpty()) {
      return;
    }
    db.batch(statement).bind(queued.toArray(Map[]::new)).execute();
    queued.clear();
  }
}
