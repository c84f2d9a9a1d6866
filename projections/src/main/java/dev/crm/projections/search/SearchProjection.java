package dev.crm.projections.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.crm.domain.company.CompanyEvent;
import dev.crm.domain.contact.ContactEvent;
import dev.crm.infra.axon.MetaDataKeys;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.infra.axon.TokenTable;
import dev.crm.infra.search.SearchIndexes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The contacts and companies search indexes. Handlers only collect the batch's events; when the
 * processor's unit of work commits, the batch is written as one Elasticsearch bulk ({@link
 * SearchBatch}). If Elasticsearch is down the bulk fails, the unit of work rolls back with the
 * token, and the processor retries the same events later: nothing is lost, and the SQL projections,
 * in their own processors, go on.
 */
@Component
@ProcessingGroup(SearchProjection.GROUP)
public class SearchProjection {
  public static final String GROUP = ProcessingGroups.SEARCH;
  private static final Logger log = LoggerFactory.getLogger(SearchProjection.class);
  private static final String PENDING = SearchProjection.class.getName() + ".pending";

  private final ElasticsearchClient es;
  private final SearchIndexes indexes;
  private final Timer bulkTimer;
  private final Counter rejected;
  private final boolean rebuild;

  @Autowired
  public SearchProjection(
      ElasticsearchClient es, SearchIndexes indexes, MeterRegistry meters, DSLContext db) {
    this(es, indexes, meters, false);
    createIndexesAtStart(db);
  }

  private SearchProjection(
      ElasticsearchClient es, SearchIndexes indexes, MeterRegistry meters, boolean rebuild) {
    this.rebuild = rebuild;
    this.es = es;
    this.indexes = indexes;
    this.bulkTimer =
        Timer.builder("crm.search.bulk")
            .description("One search projection batch written to Elasticsearch")
            .register(meters);
    this.rejected =
        Counter.builder("crm.search.rejected")
            .description("Documents Elasticsearch refused for good (not retried)")
            .register(meters);
  }

  /**
   * A second instance of the projection for a rebuild: the same handlers, writing to the indexes
   * the rebuild fills beside the serving ones. It is not a Spring bean, so no processor of the
   * application picks it up; the rebuild runs it in a processor of its own.
   */
  public static SearchProjection forRebuild(
      ElasticsearchClient es, SearchIndexes indexes, MeterRegistry meters) {
    return new SearchProjection(es, indexes, meters, true);
  }

  /**
   * Creates missing indexes before the processors start. A fresh index is empty, so the
   * projection's position is forgotten and it starts again from the first event: an index lost or
   * deleted beside a running event store is rebuilt, not left half empty.
   */
  private void createIndexesAtStart(DSLContext db) {
    try {
      Set<SearchIndexes.Kind> created = indexes.ensure();
      if (!created.isEmpty()) {
        int forgotten =
            db.deleteFrom(TokenTable.TOKENS).where(TokenTable.PROCESSOR.eq(GROUP)).execute();
        if (forgotten > 0) {
          log.warn("Search indexes {} were created: the search projection starts over", created);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Elasticsearch may come up after the service; each batch makes sure the indexes exist.
      log.warn("Elasticsearch is not reachable at start ({}); search will catch up", e.toString());
    }
  }

  /** Events of one tenant share a sequence: see ProjectionProcessors. */
  public static Object tenantOf(EventMessage<?> event) {
    return switch (event.getPayload()) {
      case ContactEvent e -> e.tenantId();
      case CompanyEvent e -> e.tenantId();
      default -> event.getMetaData().getOrDefault(MetaDataKeys.TENANT_ID, event.getIdentifier());
    };
  }

  @EventHandler
  void on(ContactEvent e, @SequenceNumber long seq) {
    pending().add(new SearchBatch.Change(e, seq));
  }

  @EventHandler
  void on(CompanyEvent e, @SequenceNumber long seq) {
    pending().add(new SearchBatch.Change(e, seq));
  }

  private List<SearchBatch.Change> pending() {
    UnitOfWork<?> uow = CurrentUnitOfWork.get();
    return uow.getOrComputeResource(
        PENDING,
        key -> {
          List<SearchBatch.Change> changes = new ArrayList<>();
          uow.onPrepareCommit(u -> write(changes));
          return changes;
        });
  }

  private void write(List<SearchBatch.Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    Timer.Sample sample = Timer.start();
    try {
      new SearchBatch(es, indexes, rejected, rebuild).write(changes);
    } catch (IOException e) {
      throw new SearchWriteFailed("Elasticsearch unavailable: " + e.getMessage(), e);
    } finally {
      sample.stop(bulkTimer);
    }
  }

  /** The batch could not be written; the processor rolls it back and retries it. */
  static final class SearchWriteFailed extends RuntimeException {
    SearchWriteFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
