package dev.crm.infra.axon;

import org.axonframework.config.Configuration;
import org.axonframework.queryhandling.LoggingQueryInvocationErrorHandler;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.QueryBusSpanFactory;
import org.axonframework.queryhandling.QueryInvocationErrorHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;

/**
 * The query bus, as Axon's auto-configuration builds it but without a transaction manager. Query
 * handlers only read, one statement at a time under read committed, so a transaction around each
 * one would add nothing but a connection checkout and a commit round trip per query; search
 * queries, which never touch PostgreSQL, would still check out a connection.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class AxonQueryBusConfiguration {

  @Bean
  @Qualifier("localSegment")
  public SimpleQueryBus queryBus(Configuration axon) {
    return SimpleQueryBus.builder()
        .messageMonitor(axon.messageMonitor(QueryBus.class, "queryBus"))
        .errorHandler(
            axon.getComponent(
                QueryInvocationErrorHandler.class,
                () -> LoggingQueryInvocationErrorHandler.builder().build()))
        .queryUpdateEmitter(axon.getComponent(QueryUpdateEmitter.class))
        .spanFactory(axon.getComponent(QueryBusSpanFactory.class))
        .build();
  }
}
