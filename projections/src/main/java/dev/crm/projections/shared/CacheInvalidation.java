package dev.crm.projections.shared;

import dev.crm.domain.campaign.CampaignEvent;
import dev.crm.domain.company.CompanyEvent;
import dev.crm.domain.contact.ContactEvent;
import dev.crm.infra.cache.CacheScope;
import dev.crm.infra.cache.ReadCache;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires the cached reads a processor's batch changed, once the batch's transaction has committed:
 * a read that misses afterwards finds the change in the read model. Each processor names what its
 * events change ({@link #forContactTable} and the others). Replays change no answer (their writes
 * are no-ops on rows already up to date), so they invalidate nothing.
 */
public final class CacheInvalidation implements MessageHandlerInterceptor<EventMessage<?>> {
  private static final Logger log = LoggerFactory.getLogger(CacheInvalidation.class);
  private static final ScheduledExecutorService LATER =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("cache-invalidation-later").factory());

  private final String resource;
  private final ReadCache cache;
  private final Function<Object, List<CacheScope>> scopes;
  private final Duration again;

  private CacheInvalidation(
      String processor,
      ReadCache cache,
      Function<Object, List<CacheScope>> scopes,
      Duration again) {
    this.resource = CacheInvalidation.class.getName() + "." + processor;
    this.cache = cache;
    this.scopes = scopes;
    this.again = again;
  }

  /** Contact rows: the contact's detail, the tenant's contact lists and its dashboard counts. */
  public static CacheInvalidation forContactTable(String processor, ReadCache cache) {
    return new CacheInvalidation(
        processor,
        cache,
        payload ->
            payload instanceof ContactEvent e
                ? List.of(
                    CacheScope.contact(e.tenantId(), e.contactId()),
                    CacheScope.contacts(e.tenantId()),
                    CacheScope.dashboard(e.tenantId()))
                : List.of(),
        Duration.ZERO);
  }

  /** Company rows: the company's detail, the tenant's company lists and its dashboard counts. */
  public static CacheInvalidation forCompanyTable(String processor, ReadCache cache) {
    return new CacheInvalidation(
        processor,
        cache,
        payload ->
            payload instanceof CompanyEvent e
                ? List.of(
                    CacheScope.company(e.tenantId(), e.companyId()),
                    CacheScope.companies(e.tenantId()),
                    CacheScope.dashboard(e.tenantId()))
                : List.of(),
        Duration.ZERO);
  }

  /** Campaign rows: only the dashboard's campaign counts are cached. */
  public static CacheInvalidation forCampaignTable(String processor, ReadCache cache) {
    return new CacheInvalidation(
        processor,
        cache,
        payload ->
            payload instanceof CampaignEvent e
                ? List.of(CacheScope.dashboard(e.tenantId()))
                : List.of(),
        Duration.ZERO);
  }

  /**
   * Search documents: the tenant's search results. Elasticsearch shows a bulk's documents to
   * searches at its next refresh, up to a refresh interval after the bulk, so the scope is retired
   * again {@code refreshDelay} later: a search that ran before the refresh and was cached under the
   * new generation is retired with it.
   */
  public static CacheInvalidation forSearch(
      String processor, ReadCache cache, Duration refreshDelay) {
    return new CacheInvalidation(
        processor,
        cache,
        payload -> {
          if (payload instanceof ContactEvent e) {
            return List.of(CacheScope.search(e.tenantId()));
          }
          if (payload instanceof CompanyEvent e) {
            return List.of(CacheScope.search(e.tenantId()));
          }
          return List.of();
        },
        refreshDelay);
  }

  @Override
  public Object handle(
      UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain interceptorChain)
      throws Exception {
    Object result = interceptorChain.proceed();
    EventMessage<?> event = unitOfWork.getMessage();
    if (event instanceof TrackedEventMessage<?> tracked
        && ReplayToken.isReplay(tracked.trackingToken())) {
      return result;
    }
    List<CacheScope> changed = scopes.apply(event.getPayload());
    if (!changed.isEmpty()) {
      unitOfWork
          .<Set<CacheScope>>getOrComputeResource(
              resource,
              key -> {
                Set<CacheScope> batch = new LinkedHashSet<>();
                unitOfWork.afterCommit(u -> retire(batch));
                return batch;
              })
          .addAll(changed);
    }
    return result;
  }

  private void retire(Set<CacheScope> batch) {
    List<CacheScope> scopes = List.copyOf(batch);
    try {
      cache.invalidate(scopes);
    } catch (RuntimeException e) {
      // The data is committed; a failed invalidation must not fail the batch (the cache marks what
      // it could not deliver and retires it when Redis is back).
      log.warn("cache invalidation after commit failed", e);
    }
    if (!again.isZero()) {
      LATER.schedule(() -> cache.invalidate(scopes), again.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
