package dev.crm.command.contact;

import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.contact.Companies;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Tells a contact whether a company id names a company of its tenant. It reads the event store, the
 * committed truth, rather than a projection: there is no projection lag, so a company created a
 * moment ago is found.
 */
@Component
public class EventStoreCompanies implements Companies {
  private final EventStore eventStore;

  public EventStoreCompanies(EventStore eventStore) {
    this.eventStore = eventStore;
  }

  @Override
  public boolean existsInTenant(String tenantId, String companyId) {
    if (!isUuid(companyId)) {
      return false;
    }
    // From sequence 0, not readEvents(id): that starts with a snapshot once the company has one.
    DomainEventStream events = eventStore.readEvents(companyId, 0L);
    return events.hasNext()
        && events.next().getPayload() instanceof CompanyCreated created
        && created.tenantId().equals(tenantId);
  }

  private static boolean isUuid(String value) {
    if (value == null) {
      return false;
    }
    try {
      UUID.fromString(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
