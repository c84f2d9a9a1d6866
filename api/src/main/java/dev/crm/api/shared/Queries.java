package dev.crm.api.shared;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.axonframework.messaging.responsetypes.ResponseType;
import org.axonframework.queryhandling.QueryExecutionException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

/** Sends typed queries to their handlers and surfaces their own exceptions. */
@Component
public class Queries {
  private final QueryGateway gateway;

  public Queries(QueryGateway gateway) {
    this.gateway = gateway;
  }

  public <R> R ask(Object query, ResponseType<R> type) {
    try {
      return gateway.query(query, type).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying", e);
    } catch (ExecutionException | CompletionException e) {
      throw unwrap(e);
    }
  }

  public <R> Optional<R> find(Object query, Class<R> type) {
    return ask(
        query, org.axonframework.messaging.responsetypes.ResponseTypes.optionalInstanceOf(type));
  }

  private static RuntimeException unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException
            || cause instanceof CompletionException
            || cause instanceof QueryExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
  }
}
