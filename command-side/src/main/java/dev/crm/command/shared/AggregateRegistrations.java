package dev.crm.command.shared;

import dev.crm.domain.campaign.Campaign;
import dev.crm.domain.company.Company;
import dev.crm.domain.contact.Contact;
import java.util.Map;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the aggregates with Axon. The domain carries no Spring stereotype, so registration
 * happens here, together with a snapshot trigger per aggregate type: after that many events the
 * aggregate is snapshotted and loads from the snapshot plus the few events after it.
 */
@Configuration(proxyBeanMethods = false)
public class AggregateRegistrations {

  @Bean
  public ConfigurerModule aggregates(
      @Value("${crm.snapshots.contact-every:100}") int contactEvery,
      @Value("${crm.snapshots.company-every:100}") int companyEvery,
      @Value("${crm.snapshots.campaign-every:50}") int campaignEvery) {
    Map<Class<?>, Integer> snapshotEvery =
        Map.of(
            Contact.class,
            contactEvery,
            Company.class,
            companyEvery,
            Campaign.class,
            campaignEvery);
    return configurer ->
        snapshotEvery.forEach(
            (type, every) ->
                configurer.configureAggregate(
                    AggregateConfigurer.defaultConfiguration(type)
                        .configureSnapshotTrigger(
                            c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), every))));
  }
}
