package dev.crm.projections.rebuild;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.projections.search.SearchProjection;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.springframework.stereotype.Component;

/**
 * Blue/green rebuilds of the search indexes ({@link BlueGreenRebuild} has the steps): new indexes
 * behind a rebuild alias (no refresh, no replicas while they load), written by a second instance of
 * the search projection in large bulks; the switch is one atomic update of the read and write
 * aliases (after refresh and replicas are restored); the old indexes are then deleted.
 */
@Component
public class SearchRebuilds extends BlueGreenRebuild {
  public static final String READ_MODEL = "search";
  public static final String PROCESSOR = SearchProjection.GROUP + "-rebuild";

  private final ElasticsearchClient es;
  private final SearchIndexes indexes;
  private final MeterRegistry meters;

  public SearchRebuilds(
      RebuildParts parts, ElasticsearchClient es, SearchIndexes indexes, MeterRegistry meters) {
    super(parts, READ_MODEL, PROCESSOR, List.of(SearchProjection.GROUP));
    this.es = es;
    this.indexes = indexes;
    this.meters = meters;
  }

  @Override
  protected void prepare(String id) throws IOException {
    indexes.createRebuild(id);
  }

  @Override
  protected List<Object> handlers(String id) {
    return List.of(SearchProjection.forRebuild(es, indexes, meters));
  }

  /** One tenant's documents are written by one segment, in event order, as the serving ones. */
  @Override
  protected SequencingPolicy<? super EventMessage<?>> sequencingPolicy() {
    return SearchProjection::tenantOf;
  }

  /** The read alias already points at the rebuild's indexes. */
  @Override
  protected boolean swapped(String id) throws IOException {
    for (SearchIndexes.Kind kind : SearchIndexes.Kind.values()) {
      if (!indexes.serving(kind).contains(indexes.rebuildIndex(kind, id))) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected Set<String> swap(String id) throws IOException {
    return indexes.switchTo(id);
  }

  @Override
  protected void drop(Set<String> retired) throws IOException {
    indexes.delete(retired);
  }

  /** The serving indexes never changed unless the alias update ran; only unserved ones go. */
  @Override
  protected void dropUnserved(String id) throws IOException {
    Set<String> unserved = new HashSet<>();
    Set<String> serving = new HashSet<>();
    for (SearchIndexes.Kind kind : SearchIndexes.Kind.values()) {
      unserved.add(indexes.rebuildIndex(kind, id));
      serving.addAll(indexes.serving(kind));
    }
    unserved.removeAll(serving);
    indexes.delete(unserved);
  }
}
