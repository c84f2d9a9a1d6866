package dev.crm.query.search;

import static dev.crm.query.search.SearchSupport.EXACT;
import static dev.crm.query.search.SearchSupport.PREFIX;
import static dev.crm.query.search.SearchSupport.call;
import static dev.crm.query.search.SearchSupport.constant;
import static dev.crm.query.search.SearchSupport.term;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.infra.search.SearchIndexes.Kind;
import dev.crm.query.search.SearchQueries.Archived;
import dev.crm.query.search.SearchQueries.AutocompleteCompanies;
import dev.crm.query.search.SearchQueries.CompanyHit;
import dev.crm.query.search.SearchQueries.CompanySearchPage;
import dev.crm.query.search.SearchQueries.Completions;
import dev.crm.query.search.SearchQueries.SearchCompanies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Company search and autocomplete, with the same ranking tiers as contacts. */
@Component
public class CompanySearchHandler {
  private static final List<String> SOURCE =
      List.of("id", "name", "domain", "industry", "sizeBand", "status", "archived");

  record CompanySource(
      String id,
      String name,
      String domain,
      String industry,
      String sizeBand,
      String status,
      boolean archived) {}

  private final ElasticsearchClient es;
  private final SearchIndexes indexes;

  public CompanySearchHandler(ElasticsearchClient es, SearchIndexes indexes) {
    this.es = es;
    this.indexes = indexes;
  }

  @QueryHandler
  public CompanySearchPage handle(SearchCompanies query) {
    String text = SearchSupport.text("q", query.q());
    int limit = SearchSupport.limit(query.limit(), SearchSupport.MAX_LIMIT);
    String sortKey = text == null ? "NAME:asc" : "RELEVANCE:desc";
    List<FieldValue> after = SearchSupport.after(query.cursor(), sortKey);
    List<Query> filters = new ArrayList<>();
    filters.add(term("tenantId", query.tenantId()));
    Archived archived = query.archived() == null ? Archived.EXCLUDE : query.archived();
    if (archived != Archived.INCLUDE) {
      filters.add(Query.of(q -> q.term(t -> t.field("archived").value(archived == Archived.ONLY))));
    }
    if (query.industry() != null) {
      filters.add(term("industry", query.industry()));
    }
    if (query.status() != null) {
      filters.add(term("status", query.status()));
    }
    List<SortOptions> sorts = new ArrayList<>();
    if (text != null) {
      sorts.add(SortOptions.of(s -> s.score(c -> c.order(SortOrder.Desc))));
    } else {
      sorts.add(SortOptions.of(s -> s.field(f -> f.field("name.keyword").order(SortOrder.Asc))));
    }
    sorts.add(SortOptions.of(s -> s.field(f -> f.field("id").order(SortOrder.Asc))));
    SearchResponse<CompanySource> response =
        call(
            () ->
                es.search(
                    s -> {
                      s.index(indexes.read(Kind.COMPANIES))
                          .routing(query.tenantId())
                          .size(limit)
                          .source(src -> src.filter(f -> f.includes(SOURCE)))
                          .query(
                              q ->
                                  q.bool(
                                      b -> {
                                        b.filter(filters);
                                        if (text != null) {
                                          b.must(matching(text));
                                        }
                                        return b;
                                      }))
                          .sort(sorts);
                      if (text != null) {
                        s.highlight(
                            h -> h.preTags("<em>").postTags("</em>").fields("name", f -> f));
                      }
                      if (after != null) {
                        s.searchAfter(after);
                      }
                      return s;
                    },
                    CompanySource.class));
    List<Hit<CompanySource>> hits = response.hits().hits();
    List<CompanyHit> items =
        hits.stream()
            .map(
                h ->
                    new CompanyHit(
                        h.source().id(),
                        h.source().name(),
                        h.source().domain(),
                        h.source().industry(),
                        h.source().sizeBand(),
                        h.source().status(),
                        h.source().archived(),
                        h.score(),
                        h.highlight() == null ? Map.of() : h.highlight()))
            .toList();
    String next =
        hits.size() == limit ? SearchSupport.cursor(sortKey, hits.getLast().sort()) : null;
    return new CompanySearchPage(
        items,
        SearchSupport.total(response.hits()),
        SearchSupport.totalIsLowerBound(response.hits()),
        next);
  }

  /** Exact name or domain, then name prefix or domain prefix, then a name with a typo. */
  static Query matching(String text) {
    List<Query> should = new ArrayList<>();
    should.add(constant(term("name.keyword", text), EXACT));
    should.add(constant(term("domain", text), EXACT));
    should.add(
        constant(
            Query.of(
                q -> q.matchBoolPrefix(m -> m.field("name").query(text).operator(Operator.And))),
            PREFIX));
    if (!text.contains(" ")) {
      String lower = text.toLowerCase(Locale.ROOT);
      should.add(constant(Query.of(q -> q.prefix(p -> p.field("domain").value(lower))), PREFIX));
    }
    should.add(SearchSupport.typoTolerant("name", text));
    return Query.of(q -> q.bool(b -> b.should(should).minimumShouldMatch("1")));
  }

  @QueryHandler
  public Completions handle(AutocompleteCompanies query) {
    return SearchSupport.complete(
        es,
        indexes.read(Kind.COMPANIES),
        query.tenantId(),
        query.prefix(),
        query.limit(),
        SOURCE,
        CompanySource.class,
        s -> s.domain() == null ? s.name() : s.name() + " · " + s.domain());
  }
}
