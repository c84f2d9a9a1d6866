package dev.crm.command.contact;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.contact.Companies;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Tells a contact whether a company id names a company of its tenant. It reads the event store, the
 * committed truth, rather than a projection: there is no projection lag, so a company created a
 * moment ago is found.
 *
 * <p>Bulk writers look up a whole batch's companies with one query ({@link #preload}); the answers
 * are remembered in the batch's root unit of work, so each contact's own check then costs no query.
 */
@Component
public class EventStoreCompanies implements Companies {
  private static final String KNOWN = EventStoreCompanies.class.getName() + ".known";
  private static final Field<String> AGGREGATE_ID =
      field(name("aggregateidentifier"), String.class);
  private static final Field<Long> SEQUENCE = field(name("sequencenumber"), Long.class);
  private static final Field<String> PAYLOAD_TYPE = field(name("payloadtype"), String.class);
  private static final Field<String> REVISION = field(name("payloadrevision"), String.class);
  private static final Field<byte[]> PAYLOAD = field(name("payload"), byte[].class);

  private final EventStore eventStore;
  private final DSLContext db;
  private final Serializer serializer;

  public EventStoreCompanies(
      EventStore eventStore, DSLContext db, @Qualifier("eventSerializer") Serializer serializer) {
    this.eventStore = eventStore;
    this.db = db;
    this.serializer = serializer;
  }

  @Override
  public boolean existsInTenant(String tenantId, String companyId) {
    if (!isUuid(companyId)) {
      return false;
    }
    Boolean known =
        CurrentUnitOfWork.map(uow -> uow.root().<Map<String, Boolean>>getResource(KNOWN))
            .map(m -> m.get(key(tenantId, companyId)))
            .orElse(null);
    if (known != null) {
      return known;
    }
    // From sequence 0, not readEvents(id): that starts with a snapshot once the company has one.
    DomainEventStream events = eventStore.readEvents(companyId, 0L);
    return events.hasNext()
        && events.next().getPayload() instanceof CompanyCreated created
        && created.tenantId().equals(tenantId);
  }

  /**
   * Looks up many companies of one tenant with one query on the event store's first events, in the
   * current unit of work's transaction, and remembers the answers in its root.
   */
  public void preload(String tenantId, Collection<String> companyIds) {
    List<String> ids = companyIds.stream().filter(EventStoreCompanies::isUuid).distinct().toList();
    if (ids.isEmpty()) {
      return;
    }
    Map<String, Boolean> known =
        CurrentUnitOfWork.get().root().getOrComputeResource(KNOWN, k -> new HashMap<>());
    ids.forEach(id -> known.put(key(tenantId, id), false));
    db.select(AGGREGATE_ID, PAYLOAD_TYPE, REVISION, PAYLOAD)
        .from(table(name("domainevententry")))
        .where(AGGREGATE_ID.eq(DSL.any(ids.toArray(String[]::new))), SEQUENCE.eq(0L))
        .forEach(
            r -> {
              Object payload =
                  serializer.deserialize(
                      new SimpleSerializedObject<>(
                          r.value4(), byte[].class, r.value2(), r.value3()));
              known.put(
                  key(tenantId, r.value1()),
                  payload instanceof CompanyCreated created && created.tenantId().equals(tenantId));
            });
  }

  private static String key(String tenantId, String companyId) {
    return tenantId + "\n" + companyId;
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
