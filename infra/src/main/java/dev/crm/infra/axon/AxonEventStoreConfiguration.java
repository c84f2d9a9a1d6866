package dev.crm.infra.axon;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.MultiCorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Axon's event store on PostgreSQL, declared by hand: with Spring Boot 4, Axon's JDBC
 * auto-configuration is not ordered after the DataSource auto-configuration and silently leaves the
 * application without an event store (see shared/ENVIRONMENT.md). {@code EventStoreWiringTest}
 * fails if an in-memory store ever takes its place.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class AxonEventStoreConfiguration {

  /** Metadata keys copied from each command onto the events it causes (the audit trail). */
  public static final List<String> AUDIT_METADATA =
      List.of(MetaDataKeys.TENANT_ID, MetaDataKeys.ACTOR_ID, MetaDataKeys.REQUEST_ID);

  /**
   * Axon's units of work run in Spring transactions. Declared by hand for the same reason as the
   * event store: Axon's transaction auto-configuration is evaluated before Spring Boot 4's
   * transaction manager exists and silently falls back to no transactions at all, so events,
   * read-model rows and tokens would each commit on their own. {@code TransactionScopeTest} guards
   * this.
   */
  @Bean
  public TransactionManager axonTransactionManager(PlatformTransactionManager transactions) {
    return new SpringTransactionManager(transactions);
  }

  /** Connections join the Spring transaction that Axon's unit of work runs in. */
  @Bean
  public ConnectionProvider axonConnectionProvider(DataSource dataSource) {
    return new UnitOfWorkAwareConnectionProviderWrapper(
        new SpringDataSourceConnectionProvider(dataSource));
  }

  /**
   * Jackson 2 serializers: Spring Boot 4 brings Jackson 3, whose type validator refuses Axon's
   * ReplayToken and stops a processor on replay (AxonFramework #4160, #4231).
   */
  @Bean
  @Primary
  public Serializer serializer() {
    return jackson(messageMapper());
  }

  @Bean
  @Qualifier("messageSerializer")
  public Serializer messageSerializer(Serializer serializer) {
    return serializer;
  }

  @Bean
  @Qualifier("eventSerializer")
  public Serializer eventSerializer(Serializer serializer) {
    return serializer;
  }

  @Bean
  public EventStorageEngine eventStorageEngine(
      ConnectionProvider connectionProvider,
      TransactionManager transactionManager,
      @Qualifier("eventSerializer") Serializer eventSerializer,
      Configuration configuration,
      @Value("${crm.event-store.batch-size:1000}") int batchSize) {
    return new CrmJdbcEventStorageEngine(
        JdbcEventStorageEngine.builder()
            .connectionProvider(connectionProvider)
            // Events per query when a processor reads the store (Axon's default is 100): a
            // replay or rebuild of a million events is then a thousand queries, not ten thousand.
            .batchSize(batchSize)
            .transactionManager(transactionManager)
            .eventSerializer(eventSerializer)
            // Aggregates keep their state in private fields; the snapshot mapper reads fields.
            .snapshotSerializer(jackson(snapshotMapper()))
            .upcasterChain(configuration.upcasterChain())
            .persistenceExceptionResolver(new JdbcSQLErrorCodesResolver()));
  }

  /**
   * The event store as Axon's auto-configuration builds it, but with a smaller cache of recent
   * events. Tailing processors read new events from that cache instead of each querying the
   * database. Axon keeps 10,000 by default; with payloads and metadata deserialized that was about
   * 40 MB that stayed alive while young, so after an import G1 copied it between survivor spaces on
   * every young collection until it was old enough to promote (README, "Reads": young pauses of
   * 30-60 ms under read load). A processor further behind than the cache reads from the database,
   * as one on a newly started node does.
   */
  @Bean
  public EmbeddedEventStore eventStore(
      EventStorageEngine storageEngine,
      Configuration configuration,
      @Value("${crm.event-store.cached-events:1000}") int cachedEvents) {
    return EmbeddedEventStore.builder()
        .storageEngine(storageEngine)
        .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
        .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
        .cachedEvents(cachedEvents)
        .build();
  }

  /** Processor positions live in PostgreSQL, claimed per segment, so nodes share the work. */
  @Bean
  public TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer) {
    return JdbcTokenStore.builder()
        .connectionProvider(connectionProvider)
        .serializer(serializer)
        .build();
  }

  /** Correlation and trace ids, plus tenant, actor and request id, on every event. */
  @Bean
  public CorrelationDataProvider auditCorrelationData() {
    return new MultiCorrelationDataProvider<>(
        List.of(
            new MessageOriginProvider(),
            new SimpleCorrelationDataProvider(AUDIT_METADATA.toArray(String[]::new))));
  }

  private static Serializer jackson(ObjectMapper mapper) {
    return new CachingJacksonSerializer(
        JacksonSerializer.builder()
            .objectMapper(mapper)
            .revisionResolver(new AnnotationRevisionResolver()));
  }

  private static ObjectMapper messageMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .registerModule(EventTimes.jacksonModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // Old events meet newer classes after a field is removed: ignore, do not fail.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private static ObjectMapper snapshotMapper() {
    return messageMapper()
        .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
  }
}
