package dev.crm.projections.rebuild;

import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.infra.cache.ReadCache;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What every blue/green rebuild needs, whatever it builds: one bean instead of long parameter
 * lists.
 */
@Component
public record RebuildParts(
    DSLContext db,
    EventStore eventStore,
    TokenStore tokenStore,
    TransactionManager transactions,
    ReadModelPositions positions,
    ProcessorControl control,
    ReadCache cache,
    Serializer serializer,
    @Value("${crm.rebuild.segments:2}") int segments,
    @Value("${crm.rebuild.batch-size:2000}") int batchSize,
    @Value("${crm.rebuild.switch-lag:2000}") long switchLag) {}
