package dev.crm.command.customfield;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.crm.domain.contact.CustomFieldSchemas;
import dev.crm.domain.customfield.CustomFieldRules;
import dev.crm.domain.customfield.CustomFieldSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

/**
 * A tenant's contact field rules, read from the schema aggregate's events in the event store: the
 * committed truth, with no projection lag, and without loading the aggregate through its
 * repository, whose lock would make every contact command of the tenant wait for the others.
 *
 * <p>Each node keeps the rules it built, keyed by the schema's last sequence number, so a command
 * costs one index lookup of that number; the events are read again only after a definition changed.
 * The answer is remembered in the root unit of work, so a batch of imported contacts asks once.
 */
@Component
public class EventStoreCustomFieldSchemas implements CustomFieldSchemas {
  private static final String IN_UNIT_OF_WORK =
      EventStoreCustomFieldSchemas.class.getName() + ".rules";

  /** Schemas kept per node, the most recently used ones; a tenant's schema is a few KB. */
  static final int MAX_CACHED_SCHEMAS = 10_000;

  private static final Field<String> AGGREGATE_ID =
      field(name("aggregateidentifier"), String.class);
  private static final Field<Long> SEQUENCE = field(name("sequencenumber"), Long.class);

  private final EventStore eventStore;
  private final DSLContext db;

  /** Rules built from a schema's events up to a sequence number. */
  private record Built(long lastSequence, CustomFieldRules rules) {}

  private final Map<String, Built> built =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Built> eldest) {
              return size() > MAX_CACHED_SCHEMAS;
            }
          });

  public EventStoreCustomFieldSchemas(EventStore eventStore, DSLContext db) {
    this.eventStore = eventStore;
    this.db = db;
  }

  @Override
  public CustomFieldRules contactRules(String tenantId) {
    Map<String, CustomFieldRules> remembered = rememberedInUnitOfWork();
    CustomFieldRules rules = remembered == null ? null : remembered.get(tenantId);
    if (rules == null) {
      rules = current(CustomFieldSchema.idOf(tenantId));
      if (remembered != null) {
        remembered.put(tenantId, rules);
      }
    }
    return rules;
  }

  /**
   * Uses {@code rules} for the tenant for the rest of the current unit of work: a batch checks its
   * contacts against the rules its rows were planned with, without asking again.
   */
  public void remember(String tenantId, CustomFieldRules rules) {
    Map<String, CustomFieldRules> remembered = rememberedInUnitOfWork();
    if (remembered != null) {
      remembered.put(tenantId, rules);
    }
  }

  private static Map<String, CustomFieldRules> rememberedInUnitOfWork() {
    return CurrentUnitOfWork.map(
            uow ->
                uow.root()
                    .<Map<String, CustomFieldRules>>getOrComputeResource(
                        IN_UNIT_OF_WORK, k -> new HashMap<>()))
        .orElse(null);
  }

  private CustomFieldRules current(String schemaId) {
    Long last =
        db.select(max(SEQUENCE))
            .from(table(name("domainevententry")))
            .where(AGGREGATE_ID.eq(schemaId))
            .fetchOne(0, Long.class);
    if (last == null) {
      return CustomFieldRules.NONE;
    }
    Built known = built.get(schemaId);
    if (known != null && known.lastSequence() >= last) {
      return known.rules();
    }
    // From sequence 0: the schema is never snapshotted, and the rules need every event.
    DomainEventStream events = eventStore.readEvents(schemaId, 0L);
    List<Object> payloads = new ArrayList<>();
    long sequence = -1;
    while (events.hasNext()) {
      DomainEventMessage<?> event = events.next();
      payloads.add(event.getPayload());
      sequence = event.getSequenceNumber();
    }
    CustomFieldRules rules = CustomFieldRules.replay(payloads);
    built.put(schemaId, new Built(sequence, rules));
    return rules;
  }
}
