package dev.crm.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.infra.search.SearchIndexes.Kind;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Read-your-writes for search. Once the search projection has committed a position its bulk has
 * been acknowledged, but a search sees it only after the next refresh (every second). A reader
 * holding a consistency token asks for a refresh here instead of waiting for it; concurrent readers
 * share one refresh, and readers whose position an earlier refresh covered need none.
 */
@Component
public class SearchFreshness {
  private final ElasticsearchClient es;
  private final SearchIndexes indexes;
  private final AtomicLong visibleUpTo = new AtomicLong(-1);

  public SearchFreshness(ElasticsearchClient es, SearchIndexes indexes) {
    this.es = es;
    this.indexes = indexes;
  }

  /** Makes what the projection committed up to {@code position} searchable. */
  public void ensureVisible(long position) {
    if (visibleUpTo.get() >= position) {
      return;
    }
    synchronized (this) {
      if (visibleUpTo.get() >= position) {
        return;
      }
      SearchSupport.call(
          () ->
              es.indices()
                  .refresh(
                      r -> r.index(indexes.read(Kind.CONTACTS), indexes.read(Kind.COMPANIES))));
      visibleUpTo.accumulateAndGet(position, Math::max);
    }
  }
}
