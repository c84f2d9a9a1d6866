package dev.crm.projections.shared;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Keys (ids, field names) a projection's handlers touched over one processor batch, per tenant,
 * handed to {@code onPrepareCommit} once when the batch's unit of work prepares to commit: after
 * every handler of the batch ran, inside the same transaction as their writes and the token.
 */
public final class BatchedKeys<K> {
  private final String resource;
  private final Consumer<Map<UUID, Set<K>>> onPrepareCommit;

  public BatchedKeys(String name, Consumer<Map<UUID, Set<K>>> onPrepareCommit) {
    this.resource = BatchedKeys.class.getName() + "." + name;
    this.onPrepareCommit = onPrepareCommit;
  }

  public void add(String tenantId, K key) {
    UnitOfWork<?> uow = CurrentUnitOfWork.get();
    uow.<Map<UUID, Set<K>>>getOrComputeResource(
            resource,
            name -> {
              Map<UUID, Set<K>> keys = new TreeMap<>();
              uow.onPrepareCommit(u -> onPrepareCommit.accept(keys));
              return keys;
            })
        .computeIfAbsent(UUID.fromString(tenantId), t -> new LinkedHashSet<>())
        .add(key);
  }
}
