package dev.crm.infra.deadletter;

import javax.sql.DataSource;
import org.jooq.ExecuteListenerProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Savepoints around the projections' event handlers: Axon applies the bean as a handler enhancer,
 * jOOQ calls it before each statement.
 */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

  @Bean
  HandlerSavepoints handlerSavepoints(DataSource dataSource) {
    return new HandlerSavepoints(dataSource, "dev.crm.projections");
  }

  @Bean
  ExecuteListenerProvider handlerSavepointListener(HandlerSavepoints savepoints) {
    return new DefaultExecuteListenerProvider(savepoints);
  }
}
