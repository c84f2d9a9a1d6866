package dev.crm.infra.deadletter;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.axonframework.common.AxonNonTransientException;
import org.axonframework.common.AxonTransientException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * What a projection does with an event its handler failed on. A failure that will pass by itself
 * (the database or Elasticsearch unreachable, a deadlock, a serialization conflict, a lock or
 * statement timeout, an overloaded cluster, a network error) fails the batch: it rolls back and is
 * retried with back-off, and no event is set aside for it. Any other failure (a constraint the row
 * breaks, an event that cannot be read, a bug) parks the event as a dead letter, with the later
 * events of its sequence behind it, and the processor goes on with the rest.
 */
public final class DeadLetterPolicy implements EnqueuePolicy<EventMessage<?>> {

  @Override
  public EnqueueDecision<EventMessage<?>> decide(
      DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
    if (isTransient(cause)) {
      throw new RetryLater(cause);
    }
    return Decisions.enqueue(cause(cause));
  }

  /**
   * What a letter records of its cause: the failure's type, and PostgreSQL's own words where the
   * database refused (the constraint), not a wrapper's message that starts with the whole
   * statement; at most the 1,023 characters the dead-letter table keeps.
   */
  static ThrowableCause cause(Throwable failure) {
    String message = failure.getMessage();
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException sql && sql.getMessage() != null) {
        message = sql.getMessage();
      }
    }
    if (message != null && message.length() > ThrowableCause.TRUNCATED_MESSAGE_SIZE) {
      message = message.substring(0, ThrowableCause.TRUNCATED_MESSAGE_SIZE);
    }
    return new ThrowableCause(failure.getClass().getName(), message);
  }

  /** Whether {@code failure} is one that retrying the same event later can get past. */
  public static boolean isTransient(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      // An event that cannot be read stays unreadable: Axon wraps Jackson's parse errors (which
      // are IOExceptions) in a SerializationException, a non-transient exception.
      if (c instanceof AxonNonTransientException || c instanceof JsonProcessingException) {
        return false;
      }
      if (c instanceof AxonTransientException) {
        return true;
      }
      if (c instanceof SQLTransientException
          || c instanceof SQLRecoverableException
          || c instanceof TransientDataAccessException
          || c instanceof RecoverableDataAccessException
          || c instanceof CannotGetJdbcConnectionException
          || c instanceof IOException) {
        return true;
      }
      if (c instanceof ElasticsearchException es) {
        return es.status() == 429 || es.status() >= 500;
      }
      if (c instanceof SQLException sql && sql.getSQLState() != null) {
        return transientState(sql.getSQLState());
      }
    }
    return false;
  }

  /**
   * PostgreSQL's classes of failures that pass: connection (08), transaction rollback such as
   * deadlocks and serialization failures (40), insufficient resources (53), operator intervention
   * such as a statement timeout or a restart (57), system errors (58), and a lock not available
   * (55P03).
   */
  private static boolean transientState(String state) {
    return state.startsWith("08")
        || state.startsWith("40")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58")
        || state.equals("55P03");
  }

  /** Thrown to fail the batch, so that it is retried instead of its event being parked. */
  public static final class RetryLater extends RuntimeException {
    RetryLater(Throwable cause) {
      super("transient failure, the batch is retried: " + cause, cause);
    }
  }
}
