package dev.crm.infra.postgres;

import javax.sql.DataSource;
import net.ttddyy.dsproxy.QueryCountHolder;
import net.ttddyy.dsproxy.support.ProxyDataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Counts the SQL statements each thread runs (datasource-proxy around the connection pool), so the
 * API can report how many database statements a request of each endpoint costs: jOOQ's and Axon's
 * alike. A request runs on one thread from start to answer.
 */
@Configuration(proxyBeanMethods = false)
public class StatementCounting {

  @Bean
  static BeanPostProcessor countingDataSource() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof DataSource ds && !(bean instanceof ProxyDataSource)) {
          return ProxyDataSourceBuilder.create(ds).name(name).countQuery().build();
        }
        return bean;
      }
    };
  }

  /** Starts counting this thread's statements from zero. */
  public static void reset() {
    QueryCountHolder.clear();
  }

  /** Statements this thread ran since {@link #reset}. */
  public static long counted() {
    return QueryCountHolder.getGrandTotal().getTotal();
  }
}
