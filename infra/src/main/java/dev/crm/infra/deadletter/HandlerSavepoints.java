package dev.crm.infra.deadletter;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Each projection event handler's SQL runs inside a savepoint of the processor's transaction, so
 * that a handler whose statement fails leaves the transaction usable: PostgreSQL aborts a whole
 * transaction on any failed statement, and the dead letter, the batch's other events and the token
 * must still be written in it (Axon's dead-letter queue cannot help with database errors otherwise,
 * AxonFramework#3289).
 *
 * <p>The savepoint is taken lazily, by the jOOQ listener just before the handler's first statement,
 * so a handler that writes nothing (a new row queued for its batch's multi-row insert) costs
 * nothing; it is released after the handler returns and rolled back to if it throws. Work that
 * belongs to the batch rather than to the handler (writing the rows queued by earlier events) runs
 * {@link #outside} it: a failed handler must not take other events' rows with it.
 */
public final class HandlerSavepoints implements ExecuteListener, HandlerEnhancerDefinition {
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private final DataSource dataSource;
  private final String handlerPackage;

  /**
   * A handler's savepoint, once its first statement in the processor's transaction took one. A
   * statement of a transaction of its own that the handler starts (a {@code REQUIRES_NEW}, which
   * binds another connection) takes none.
   */
  private static final class Scope {
    final ConnectionHolder transaction;
    Savepoint savepoint;
    boolean suspended;

    Scope(ConnectionHolder transaction) {
      this.transaction = transaction;
    }
  }

  /**
   * @param handlerPackage the package whose event handlers get savepoints (the projections')
   */
  public HandlerSavepoints(DataSource dataSource, String handlerPackage) {
    this.dataSource = dataSource;
    this.handlerPackage = handlerPackage;
  }

  @Override
  public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
    if (!original.canHandleMessageType(EventMessage.class)
        || !original.declaringClass().getPackageName().startsWith(handlerPackage)) {
      return original;
    }
    return new WrappedMessageHandlingMember<>(original) {
      @Override
      public Object handle(Message<?> message, T target) throws Exception {
        return guarded(() -> super.handle(message, target));
      }
    };
  }

  private Object guarded(Callable<Object> handler) throws Exception {
    if (CURRENT.get() != null
        || !TransactionSynchronizationManager.isActualTransactionActive()
        || !(TransactionSynchronizationManager.getResource(dataSource)
            instanceof ConnectionHolder transaction)) {
      return handler.call();
    }
    Scope scope = new Scope(transaction);
    CURRENT.set(scope);
    try {
      Object result = handler.call();
      if (scope.savepoint != null) {
        transaction.getConnection().releaseSavepoint(scope.savepoint);
      }
      return result;
    } catch (Exception e) {
      if (scope.savepoint != null) {
        transaction.getConnection().rollback(scope.savepoint);
      }
      throw e;
    } finally {
      CURRENT.remove();
    }
  }

  /** Runs batch work (not the handler's own) before the handler's savepoint is taken. */
  public static void outside(Runnable work) {
    Scope scope = CURRENT.get();
    if (scope == null || scope.savepoint != null) {
      work.run();
      return;
    }
    scope.suspended = true;
    try {
      work.run();
    } finally {
      scope.suspended = false;
    }
  }

  @Override
  public void executeStart(ExecuteContext ctx) {
    Scope scope = CURRENT.get();
    if (scope == null
        || scope.savepoint != null
        || scope.suspended
        || TransactionSynchronizationManager.getResource(dataSource) != scope.transaction) {
      return;
    }
    try {
      scope.savepoint = scope.transaction.getConnection().setSavepoint();
    } catch (SQLException e) {
      throw new org.jooq.exception.DataAccessException("could not take a savepoint", e);
    }
  }
}
