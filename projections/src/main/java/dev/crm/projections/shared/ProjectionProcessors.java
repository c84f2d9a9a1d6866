package dev.crm.projections.shared;

import dev.crm.infra.cache.ReadCache;
import dev.crm.infra.cache.ReadCacheProperties;
import dev.crm.infra.deadletter.DeadLetterPolicy;
import dev.crm.projections.campaign.CampaignTableProjection;
import dev.crm.projections.company.CompanyTableProjection;
import dev.crm.projections.contact.ContactTableProjection;
import dev.crm.projections.customfield.CustomFieldDefinitionProjection;
import dev.crm.projections.search.SearchProjection;
import dev.crm.projections.segment.SegmentTableProjection;
import dev.crm.projections.timeline.ContactTimelineProjection;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.lifecycle.Phase;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

/**
 * Each read table has its own pooled streaming processor, so a slow sink never holds back the
 * others; Elasticsearch, the slowest sink, has its own ({@link SearchProjection#GROUP}). Segments
 * are claimed through the JDBC token store, so several nodes split the work. Their streams are
 * woken by {@link EventArrivalSignal} when events arrive, instead of Axon's fixed 500 ms re-poll
 * for event stores without availability callbacks.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class ProjectionProcessors {
  static final List<String> SQL_GROUPS =
      List.of(
          ContactTableProjection.GROUP,
          CompanyTableProjection.GROUP,
          CampaignTableProjection.GROUP,
          CustomFieldDefinitionProjection.GROUP,
          ContactTimelineProjection.GROUP,
          SegmentTableProjection.GROUP);

  @Bean
  public ConfigurerModule sqlProjectionProcessors(
      @Value("${crm.projections.segments:2}") int segments,
      @Value("${crm.projections.batch-size:200}") int batchSize,
      @Value("${crm.search.projection.segments:2}") int searchSegments,
      @Value("${crm.search.projection.batch-size:500}") int searchBatchSize,
      ReadCache cache,
      ReadCacheProperties cacheProperties,
      ConnectionProvider connectionProvider) {
    return configurer -> {
      EventArrivalSignal arrivals = new EventArrivalSignal();
      configurer.onShutdown(Phase.INBOUND_EVENT_CONNECTORS, arrivals::stop);
      // A failed write must roll the batch back and retry it, never log and skip the event: Axon's
      // default handler would leave the read table without it. (Processors with a dead-letter
      // queue,
      // below, decide per failure instead: retry the batch or park the event.)
      configurer
          .eventProcessing()
          .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
      SQL_GROUPS.forEach(
          group ->
              configurer
                  .eventProcessing()
                  .registerPooledStreamingEventProcessor(
                      group,
                      config -> arrivals.wrap(config.eventStore()),
                      (config, builder) ->
                          builder.initialSegmentCount(segments).batchSize(batchSize)));
      // Search documents of one tenant are written in event order by one segment at a time: a
      // contact then always finds its company's document (the command side saw the company
      // first), and a company rename can rewrite its contacts' copies without racing their own
      // updates. Tenants spread over the segments.
      configurer
          .eventProcessing()
          .registerSequencingPolicy(
              SearchProjection.GROUP,
              c -> (EventMessage<?> event) -> SearchProjection.tenantOf(event))
          .registerPooledStreamingEventProcessor(
              SearchProjection.GROUP,
              config -> arrivals.wrap(config.eventStore()),
              (config, builder) ->
                  builder.initialSegmentCount(searchSegments).batchSize(searchBatchSize));
      // An event a handler fails on for good is parked with the later events of its sequence, and
      // the processor goes on; a passing failure fails the batch, which is retried
      // (DeadLetterPolicy). The handlers' SQL runs in savepoints (HandlerSavepoints), so the
      // transaction that records the dead letter is still usable.
      List<String> deadLettering = new java.util.ArrayList<>(SQL_GROUPS);
      deadLettering.add(SearchProjection.GROUP);
      deadLettering.forEach(
          group ->
              configurer
                  .eventProcessing()
                  .registerDeadLetterQueue(
                      group,
                      c ->
                          JdbcSequencedDeadLetterQueue.<EventMessage<?>>builder()
                              .processingGroup(group)
                              .connectionProvider(connectionProvider)
                              .transactionManager(c.getComponent(TransactionManager.class))
                              .genericSerializer(c.serializer())
                              .eventSerializer(c.eventSerializer())
                              .build())
                  .registerDeadLetterPolicy(group, c -> new DeadLetterPolicy())
                  .registerDeadLetteringEventHandlerInvokerConfiguration(
                      group, (c, invoker) -> invoker.enableSequenceIdentifierCache()));
      // Cached reads are retired by the processors whose writes they show (after each commit).
      var processing = configurer.eventProcessing();
      processing.registerHandlerInterceptor(
          ContactTableProjection.GROUP,
          c -> CacheInvalidation.forContactTable(ContactTableProjection.GROUP, cache));
      processing.registerHandlerInterceptor(
          CompanyTableProjection.GROUP,
          c -> CacheInvalidation.forCompanyTable(CompanyTableProjection.GROUP, cache));
      processing.registerHandlerInterceptor(
          CampaignTableProjection.GROUP,
          c -> CacheInvalidation.forCampaignTable(CampaignTableProjection.GROUP, cache));
      processing.registerHandlerInterceptor(
          SearchProjection.GROUP,
          c ->
              CacheInvalidation.forSearch(
                  SearchProjection.GROUP, cache, cacheProperties.searchRefreshDelay()));
    };
  }
}
