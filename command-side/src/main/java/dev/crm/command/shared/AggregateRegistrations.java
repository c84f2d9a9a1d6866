package dev.crm.command.shared;

import dev.crm.domain.campaign.Campaign;
import dev.crm.domain.company.Company;
import dev.crm.domain.contact.Contact;
import dev.crm.domain.customfield.CustomFieldSchema;
import dev.crm.domain.segment.Segment;
import java.util.List;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the aggregates with Axon. The domain carries no Spring stereotype, so registration
 * happens here, with a snapshot trigger per aggregate type: after that many events the aggregate is
 * snapshotted and loads from the snapshot plus the few events after it.
 *
 * <p>The factories are beans because Axon's Spring snapshotter finds aggregate types through {@link
 * AggregateFactory} beans; without them it refuses to snapshot ("Aggregate Type is unknown").
 * {@code EventStoreTest} checks that snapshots are written.
 */
@Configuration(proxyBeanMethods = false)
public class AggregateRegistrations {

  @Bean
  public AggregateFactory<Contact> contactFactory(
      ParameterResolverFactory parameterResolvers, HandlerDefinition handlerDefinition) {
    return factory(Contact.class, parameterResolvers, handlerDefinition);
  }

  @Bean
  public AggregateFactory<Company> companyFactory(
      ParameterResolverFactory parameterResolvers, HandlerDefinition handlerDefinition) {
    return factory(Company.class, parameterResolvers, handlerDefinition);
  }

  @Bean
  public AggregateFactory<Campaign> campaignFactory(
      ParameterResolverFactory parameterResolvers, HandlerDefinition handlerDefinition) {
    return factory(Campaign.class, parameterResolvers, handlerDefinition);
  }

  @Bean
  public AggregateFactory<CustomFieldSchema> customFieldSchemaFactory(
      ParameterResolverFactory parameterResolvers, HandlerDefinition handlerDefinition) {
    return factory(CustomFieldSchema.class, parameterResolvers, handlerDefinition);
  }

  @Bean
  public AggregateFactory<Segment> segmentFactory(
      ParameterResolverFactory parameterResolvers, HandlerDefinition handlerDefinition) {
    return factory(Segment.class, parameterResolvers, handlerDefinition);
  }

  /**
   * Inspects the aggregate with Spring's parameter resolvers: command handlers take ports such as
   * {@code PrimaryEmails} that only Spring beans can satisfy.
   */
  private static <T> AggregateFactory<T> factory(
      Class<T> type,
      ParameterResolverFactory parameterResolvers,
      HandlerDefinition handlerDefinition) {
    return new GenericAggregateFactory<>(
        AnnotatedAggregateMetaModelFactory.inspectAggregate(
            type, parameterResolvers, handlerDefinition));
  }

  /** One aggregate type with its factory and snapshot threshold ({@code 0}: never). */
  private record Registration<T>(AggregateFactory<T> factory, int snapshotEvery) {
    void register(org.axonframework.config.Configurer configurer) {
      AggregateConfigurer<T> aggregate =
          AggregateConfigurer.defaultConfiguration(factory.getAggregateType())
              .configureAggregateFactory(c -> factory);
      if (snapshotEvery > 0) {
        aggregate.configureSnapshotTrigger(
            c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), snapshotEvery));
      }
      configurer.configureAggregate(aggregate);
    }
  }

  @Bean
  public ConfigurerModule aggregates(
      AggregateFactory<Contact> contactFactory,
      AggregateFactory<Company> companyFactory,
      AggregateFactory<Campaign> campaignFactory,
      AggregateFactory<CustomFieldSchema> customFieldSchemaFactory,
      AggregateFactory<Segment> segmentFactory,
      @Value("${crm.snapshots.contact-every:100}") int contactEvery,
      @Value("${crm.snapshots.company-every:100}") int companyEvery,
      @Value("${crm.snapshots.campaign-every:50}") int campaignEvery,
      @Value("${crm.snapshots.segment-every:50}") int segmentEvery) {
    List<Registration<?>> registrations =
        List.of(
            new Registration<>(contactFactory, contactEvery),
            new Registration<>(companyFactory, companyEvery),
            new Registration<>(campaignFactory, campaignEvery),
            // Never snapshotted: a schema has one event per definition change, loads only for an
            // admin's write, and contacts read its events directly (EventStoreCustomFieldSchemas).
            new Registration<>(customFieldSchemaFactory, 0),
            new Registration<>(segmentFactory, segmentEvery));
    return configurer -> registrations.forEach(r -> r.register(configurer));
  }
}
