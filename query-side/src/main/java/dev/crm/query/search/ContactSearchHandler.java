package dev.crm.query.search;

import static dev.crm.query.search.SearchSupport.COMPANY;
import static dev.crm.query.search.SearchSupport.EXACT;
import static dev.crm.query.search.SearchSupport.PHRASE;
import static dev.crm.query.search.SearchSupport.PREFIX;
import static dev.crm.query.search.SearchSupport.call;
import static dev.crm.query.search.SearchSupport.constant;
import static dev.crm.query.search.SearchSupport.term;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.infra.search.SearchIndexes.Kind;
import dev.crm.query.search.SearchQueries.Archived;
import dev.crm.query.search.SearchQueries.AutocompleteContacts;
import dev.crm.query.search.SearchQueries.Completions;
import dev.crm.query.search.SearchQueries.ContactHit;
import dev.crm.query.search.SearchQueries.ContactSearchPage;
import dev.crm.query.search.SearchQueries.FacetCount;
import dev.crm.query.search.SearchQueries.SearchContacts;
import dev.crm.query.search.SearchQueries.SearchSort;
import dev.crm.query.shared.InvalidQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Contact search: one Elasticsearch request per page, routed to the tenant's shard and filtered on
 * the tenant, with facets and highlights in the same round trip.
 */
@Component
public class ContactSearchHandler {
  private static final Pattern CUSTOM_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,62}");
  private static final int FACET_SIZE = 20;
  private static final List<String> FACETS = List.of("stage", "tags", "owner", "company");
  private static final List<String> SOURCE =
      List.of(
          "id",
          "firstName",
          "lastName",
          "email",
          "companyId",
          "companyName",
          "stage",
          "ownerId",
          "tags",
          "archived",
          "createdAt",
          "updatedAt");

  /** The stored fields a hit shows. */
  record ContactSource(
      String id,
      String firstName,
      String lastName,
      String email,
      String companyId,
      String companyName,
      String stage,
      String ownerId,
      List<String> tags,
      boolean archived,
      Instant createdAt,
      Instant updatedAt) {}

  private final ElasticsearchClient es;
  private final SearchIndexes indexes;

  public ContactSearchHandler(ElasticsearchClient es, SearchIndexes indexes) {
    this.es = es;
    this.indexes = indexes;
  }

  @QueryHandler
  public ContactSearchPage handle(SearchContacts query) {
    String text = SearchSupport.text("q", query.q());
    int limit = SearchSupport.limit(query.limit(), SearchSupport.MAX_LIMIT);
    SearchSort sort = query.sort() == null ? SearchSort.RELEVANCE : query.sort();
    if (sort == SearchSort.RELEVANCE && text == null) {
      sort = SearchSort.CREATED;
    }
    boolean ascending = sort == SearchSort.NAME ? !query.ascending() : query.ascending();
    String sortKey = sort.name() + (ascending ? ":asc" : ":desc");
    List<FieldValue> after = SearchSupport.after(query.cursor(), sortKey);
    List<Query> filters = filters(query);
    SearchSort effective = sort;
    // Facets describe the whole result, so the first page carries them; later pages do not.
    boolean facets = query.facets() && after == null;
    SearchRequest request =
        SearchRequest.of(
            s -> {
              s.index(indexes.read(Kind.CONTACTS))
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
                  .sort(sorts(effective, ascending));
              if (text != null) {
                Query marked = highlighting(text);
                s.highlight(
                    h ->
                        h.preTags("<em>")
                            .postTags("</em>")
                            .highlightQuery(marked)
                            .fields("fullName", f -> f)
                            .fields("emails", f -> f)
                            .fields("companyName", f -> f));
              }
              if (facets) {
                s.aggregations(facets());
              }
              if (after != null) {
                s.searchAfter(after);
              }
              return s;
            });
    SearchResponse<ContactSource> response = call(() -> es.search(request, ContactSource.class));
    List<Hit<ContactSource>> hits = response.hits().hits();
    List<ContactHit> items = hits.stream().map(ContactSearchHandler::hit).toList();
    String next =
        hits.size() == limit ? SearchSupport.cursor(sortKey, hits.getLast().sort()) : null;
    return new ContactSearchPage(
        items,
        SearchSupport.total(response.hits()),
        SearchSupport.totalIsLowerBound(response.hits()),
        facets ? facetCounts(response.aggregations()) : Map.of(),
        next);
  }

  /**
   * Names, emails, phone and company. Exact matches (whole name, email, phone digits) rank first,
   * then names in that word order, then prefixes as typed, then the company, then names that match
   * only with a typo. Typo tolerance is on names only: fuzzy matching an email or phone would be
   * slow (high-cardinality terms) and wrong (one digit off is another person).
   */
  static Query matching(String text) {
    List<Query> should = new ArrayList<>();
    should.add(constant(term("fullName.keyword", text), EXACT));
    should.add(constant(term("emails", text), EXACT));
    String digits = SearchSupport.phoneDigits(text);
    if (digits != null) {
      should.add(constant(term("phones", digits), EXACT));
    }
    should.add(
        constant(Query.of(q -> q.matchPhrase(m -> m.field("fullName").query(text))), PHRASE));
    should.add(
        constant(
            Query.of(
                q ->
                    q.matchBoolPrefix(m -> m.field("fullName").query(text).operator(Operator.And))),
            PREFIX));
    if (!text.contains(" ")) {
      String lower = text.toLowerCase(Locale.ROOT);
      should.add(constant(Query.of(q -> q.prefix(p -> p.field("emails").value(lower))), PREFIX));
    }
    should.add(
        constant(
            Query.of(
                q ->
                    q.matchBoolPrefix(
                        m -> m.field("companyName").query(text).operator(Operator.And))),
            COMPANY));
    should.add(SearchSupport.typoTolerant("fullName", text));
    return Query.of(q -> q.bool(b -> b.should(should).minimumShouldMatch("1")));
  }

  /**
   * What highlights mark: the words typed and the last one as a prefix. Not the typo-tolerant
   * match: highlighting it runs its automaton over every hit's text, which cost more than the
   * search itself, so typo matches come back unmarked. (Prefix matches are found through the {@code
   * index_prefixes} subfield, which a highlighter of the field itself does not see; a wildcard on
   * the last word marks them.)
   */
  static Query highlighting(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("\\s+");
    String last = words[words.length - 1].replaceAll("[*?\\\\]", "");
    List<Query> should = new ArrayList<>();
    should.add(Query.of(q -> q.match(m -> m.field("fullName").query(text))));
    should.add(Query.of(q -> q.match(m -> m.field("companyName").query(text))));
    should.add(term("emails", text));
    if (!last.isEmpty()) {
      should.add(Query.of(q -> q.wildcard(w -> w.field("fullName").value(last + "*"))));
      should.add(Query.of(q -> q.wildcard(w -> w.field("companyName").value(last + "*"))));
      if (words.length == 1) {
        should.add(Query.of(q -> q.prefix(p -> p.field("emails").value(last))));
      }
    }
    return Query.of(q -> q.bool(b -> b.should(should)));
  }

  private static List<Query> filters(SearchContacts query) {
    List<Query> filters = new ArrayList<>();
    filters.add(term("tenantId", query.tenantId()));
    Archived archived = query.archived() == null ? Archived.EXCLUDE : query.archived();
    if (archived != Archived.INCLUDE) {
      filters.add(Query.of(q -> q.term(t -> t.field("archived").value(archived == Archived.ONLY))));
    }
    if (!query.stages().isEmpty()) {
      List<FieldValue> stages = query.stages().stream().map(FieldValue::of).toList();
      filters.add(Query.of(q -> q.terms(t -> t.field("stage").terms(v -> v.value(stages)))));
    }
    query.tags().forEach(tag -> filters.add(term("tags", tag)));
    if (query.ownerId() != null) {
      filters.add(term("ownerId", query.ownerId()));
    }
    if (query.companyId() != null) {
      filters.add(term("companyId", query.companyId()));
    }
    if (query.createdFrom() != null || query.createdTo() != null) {
      filters.add(
          Query.of(
              q ->
                  q.range(
                      r ->
                          r.date(
                              d -> {
                                d.field("createdAt");
                                if (query.createdFrom() != null) {
                                  d.gte(query.createdFrom().toString());
                                }
                                if (query.createdTo() != null) {
                                  d.lt(query.createdTo().toString());
                                }
                                return d;
                              }))));
    }
    query
        .custom()
        .forEach(
            (key, value) -> {
              if (!CUSTOM_KEY.matcher(key).matches()) {
                throw new InvalidQuery("custom." + key, "is not a custom field key");
              }
              filters.add(term("custom." + key, value));
            });
    return filters;
  }

  private static List<SortOptions> sorts(SearchSort sort, boolean ascending) {
    SortOrder order = ascending ? SortOrder.Asc : SortOrder.Desc;
    List<SortOptions> sorts = new ArrayList<>();
    switch (sort) {
      case RELEVANCE -> sorts.add(SortOptions.of(s -> s.score(c -> c.order(SortOrder.Desc))));
      case CREATED -> sorts.add(field("createdAt", order));
      case UPDATED -> sorts.add(field("updatedAt", order));
      case NAME -> sorts.add(field("sortName", order));
    }
    sorts.add(field("id", sort == SearchSort.RELEVANCE ? SortOrder.Asc : order));
    return sorts;
  }

  private static SortOptions field(String name, SortOrder order) {
    return SortOptions.of(s -> s.field(f -> f.field(name).order(order)));
  }

  private static Map<String, Aggregation> facets() {
    Map<String, Aggregation> aggs = new LinkedHashMap<>();
    aggs.put("stage", terms("stage"));
    aggs.put("tags", terms("tags"));
    aggs.put("owner", terms("ownerId"));
    aggs.put(
        "company",
        Aggregation.of(
            a ->
                a.terms(t -> t.field("companyId").size(FACET_SIZE))
                    .aggregations("name", n -> n.terms(t -> t.field("companyName.raw").size(1)))));
    return aggs;
  }

  private static Aggregation terms(String field) {
    return Aggregation.of(a -> a.terms(t -> t.field(field).size(FACET_SIZE)));
  }

  private static Map<String, List<FacetCount>> facetCounts(Map<String, Aggregate> aggs) {
    Map<String, List<FacetCount>> facets = new LinkedHashMap<>();
    for (String name : FACETS) {
      List<FacetCount> counts = new ArrayList<>();
      for (StringTermsBucket b : aggs.get(name).sterms().buckets().array()) {
        counts.add(new FacetCount(b.key().stringValue(), label(b), b.docCount()));
      }
      facets.put(name, counts);
    }
    return facets;
  }

  /** A company bucket's name: its contacts' copy of it (one name per company id). */
  private static String label(StringTermsBucket bucket) {
    Aggregate name = bucket.aggregations().get("name");
    if (name == null || name.sterms().buckets().array().isEmpty()) {
      return null;
    }
    return name.sterms().buckets().array().getFirst().key().stringValue();
  }

  private static ContactHit hit(Hit<ContactSource> hit) {
    ContactSource s = hit.source();
    return new ContactHit(
        s.id(),
        s.firstName(),
        s.lastName(),
        s.email(),
        s.companyId(),
        s.companyName(),
        s.stage(),
        s.ownerId(),
        s.tags() == null ? List.of() : s.tags(),
        s.archived(),
        s.createdAt(),
        s.updatedAt(),
        hit.score(),
        hit.highlight() == null ? Map.of() : hit.highlight());
  }

  // ---- autocomplete ------------------------------------------------------------------------

  @QueryHandler
  public Completions handle(AutocompleteContacts query) {
    return SearchSupport.complete(
        es,
        indexes.read(Kind.CONTACTS),
        query.tenantId(),
        query.prefix(),
        query.limit(),
        SOURCE,
        ContactSource.class,
        ContactSearchHandler::label);
  }

  /** The name (or, without one, the email) and the company. */
  private static String label(ContactSource s) {
    String name =
        ((s.firstName() == null ? "" : s.firstName())
                + " "
                + (s.lastName() == null ? "" : s.lastName()))
            .strip();
    String label = name.isEmpty() ? s.email() : name;
    return s.companyName() == null ? label : label + " · " + s.companyName();
  }
}
