package dev.crm.projections.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.crm.domain.company.CompanyEvent;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import dev.crm.domain.contact.ContactEvent;
import dev.crm.domain.contact.ContactEvent.ContactCreated;
import dev.crm.domain.contact.ContactEvent.ContactLinkedToCompany;
import dev.crm.infra.search.SearchIndexes;
import dev.crm.infra.search.SearchIndexes.Kind;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processor batch written to the search indexes.
 *
 * <ol>
 *   <li>The current documents of the contacts and companies the batch changes (unless it creates
 *       them) are read in one multi-get each; gets are real-time, so the previous batch's writes
 *       are seen without a refresh.
 *   <li>The events are applied in order to those working copies; an event a document already
 *       reflects (a replay, a redelivery) changes nothing.
 *   <li>Every changed document is sent in one bulk, each with its aggregate sequence number as the
 *       external version, so Elasticsearch itself refuses to let an older state overwrite a newer
 *       one.
 *   <li>A renamed company's name is then rewritten into the contacts that carry it.
 * </ol>
 */
final class SearchBatch {
  private static final Logger log = LoggerFactory.getLogger(SearchBatch.class);
  private static final int RENAME_PAGE = 500;

  /** One event of the batch and its aggregate sequence number. */
  record Change(Object event, long seq) {}

  private record Ref(String tenantId, String id) {}

  private final ElasticsearchClient es;
  private final SearchIndexes indexes;
  private final boolean rebuild;
  private final Counter rejected;
  private final Map<String, ContactDocument> contacts = new LinkedHashMap<>();
  private final Map<String, CompanyDocument> companies = new LinkedHashMap<>();
  private final Set<String> changedContacts = new LinkedHashSet<>();
  private final Set<String> changedCompanies = new LinkedHashSet<>();
  private final Set<String> renamedCompanies = new LinkedHashSet<>();

  /**
   * {@code rebuild}: write to the indexes a rebuild fills ({@link SearchIndexes#rebuildWrite}),
   * which must exist, instead of the serving ones (made again if they went missing).
   */
  SearchBatch(ElasticsearchClient es, SearchIndexes indexes, Counter rejected, boolean rebuild) {
    this.rebuild = rebuild;
    this.es = es;
    this.indexes = indexes;
    this.rejected = rejected;
  }

  void write(List<Change> changes) throws IOException {
    load(changes);
    for (Change c : changes) {
      switch (c.event()) {
        case ContactEvent e -> apply(e, c.seq());
        case CompanyEvent e -> apply(e, c.seq());
        default -> {}
      }
    }
    Set<String> companiesWritten = bulk();
    for (String companyId : renamedCompanies) {
      if (companiesWritten.contains(companyId)) {
        copyCompanyName(companies.get(companyId));
      }
    }
  }

  // ---- 1. load -----------------------------------------------------------------------------

  private void load(List<Change> changes) throws IOException {
    Set<String> createdHere = new java.util.HashSet<>();
    Set<Ref> contactRefs = new LinkedHashSet<>();
    Set<Ref> companyRefs = new LinkedHashSet<>();
    for (Change c : changes) {
      switch (c.event()) {
        case ContactCreated e -> {
          createdHere.add(e.contactId());
          if (e.companyId() != null && !createdHere.contains(e.companyId())) {
            companyRefs.add(new Ref(e.tenantId(), e.companyId()));
          }
        }
        case ContactEvent e -> {
          if (!createdHere.contains(e.contactId())) {
            contactRefs.add(new Ref(e.tenantId(), e.contactId()));
          }
          if (e instanceof ContactLinkedToCompany link && !createdHere.contains(link.companyId())) {
            companyRefs.add(new Ref(e.tenantId(), link.companyId()));
          }
        }
        case CompanyCreated e -> createdHere.add(e.companyId());
        case CompanyEvent e -> {
          if (!createdHere.contains(e.companyId())) {
            companyRefs.add(new Ref(e.tenantId(), e.companyId()));
          }
        }
        default -> {}
      }
    }
    for (ContactDocument d : mget(Kind.CONTACTS, contactRefs, ContactDocument.class)) {
      contacts.put(d.id, d);
    }
    for (CompanyDocument d : mget(Kind.COMPANIES, companyRefs, CompanyDocument.class)) {
      companies.put(d.id, d);
    }
  }

  private <T> List<T> mget(Kind kind, Set<Ref> refs, Class<T> type) throws IOException {
    if (refs.isEmpty()) {
      return List.of();
    }
    List<MultiGetOperation> docs =
        refs.stream()
            .map(r -> MultiGetOperation.of(o -> o.id(r.id()).routing(r.tenantId())))
            .toList();
    MgetResponse<T> response = es.mget(m -> m.index(writeAlias(kind)).docs(docs), type);
    List<T> found = new ArrayList<>();
    for (MultiGetResponseItem<T> item : response.docs()) {
      if (item.isFailure()) {
        ensureServing();
        throw new IOException("get failed: " + item.failure().error().reason());
      }
      var result = item.result();
      if (result.found() && result.source() != null) {
        T doc = result.source();
        long version = result.version() == null ? -1 : result.version();
        if (doc instanceof ContactDocument c) {
          c.version = version;
        } else if (doc instanceof CompanyDocument c) {
          c.version = version;
        }
        found.add(doc);
      }
    }
    return found;
  }

  private String writeAlias(Kind kind) {
    return rebuild ? indexes.rebuildWrite(kind) : indexes.write(kind);
  }

  /** A missing serving index is made again (and rebuilt); a rebuild's must not be. */
  private void ensureServing() throws IOException {
    if (!rebuild) {
      indexes.ensure();
    }
  }

  // ---- 2. apply ----------------------------------------------------------------------------

  private void apply(ContactEvent event, long seq) {
    if (event instanceof ContactCreated e) {
      ContactDocument existing = contacts.get(e.contactId());
      if (existing == null || existing.version < seq) {
        contacts.put(e.contactId(), ContactDocument.created(e, seq, companyName(e.companyId())));
        changedContacts.add(e.contactId());
      }
      return;
    }
    ContactDocument doc = contacts.get(event.contactId());
    if (doc == null) {
      // Its creation is not in the index (refused for good earlier): nothing to change.
      log.debug("search: no document for contact {}, event skipped", event.contactId());
      return;
    }
    if (doc.apply(event, seq, this::companyName)) {
      changedContacts.add(doc.id);
    }
  }

  private void apply(CompanyEvent event, long seq) {
    if (event instanceof CompanyCreated e) {
      CompanyDocument existing = companies.get(e.companyId());
      if (existing == null || existing.version < seq) {
        companies.put(e.companyId(), CompanyDocument.created(e, seq));
        changedCompanies.add(e.companyId());
      }
      return;
    }
    CompanyDocument doc = companies.get(event.companyId());
    if (doc == null) {
      log.debug("search: no document for company {}, event skipped", event.companyId());
      return;
    }
    String before = doc.name;
    if (doc.apply(event, seq)) {
      changedCompanies.add(doc.id);
      if (event instanceof CompanyUpdated && !Objects.equals(before, doc.name)) {
        renamedCompanies.add(doc.id);
        // Contacts of this batch take the new name now; earlier ones are rewritten after the bulk.
        contacts.values().stream()
            .filter(c -> doc.id.equals(c.companyId))
            .forEach(c -> c.companyName = doc.name);
      }
    }
  }

  private String companyName(String companyId) {
    CompanyDocument company = companyId == null ? null : companies.get(companyId);
    return company == null ? null : company.name;
  }

  // ---- 3. bulk -----------------------------------------------------------------------------

  /** Writes every changed document; answers the companies whose write took effect. */
  private Set<String> bulk() throws IOException {
    List<BulkOperation> ops = new ArrayList<>();
    for (String id : changedContacts) {
      ContactDocument d = contacts.get(id);
      ops.add(index(writeAlias(Kind.CONTACTS), d.id, d.tenantId, d.version, d, false));
    }
    for (String id : changedCompanies) {
      CompanyDocument d = companies.get(id);
      ops.add(index(writeAlias(Kind.COMPANIES), d.id, d.tenantId, d.version, d, false));
    }
    Set<String> companiesWritten = new java.util.HashSet<>();
    if (ops.isEmpty()) {
      return companiesWritten;
    }
    for (BulkResponseItem item : send(ops)) {
      if (item.error() == null && item.index().startsWith(indexes.index(Kind.COMPANIES))) {
        companiesWritten.add(item.id());
      }
    }
    return companiesWritten;
  }

  private static BulkOperation index(
      String alias, String id, String tenantId, long version, Object doc, boolean sameVersion) {
    return BulkOperation.of(
        b ->
            b.index(
                i ->
                    i.index(alias)
                        .id(id)
                        .routing(tenantId)
                        .version(version)
                        .versionType(sameVersion ? VersionType.ExternalGte : VersionType.External)
                        .document(doc)));
  }

  /**
   * Sends a bulk and sorts its items: a version conflict means the index already holds this state
   * or a newer one (a replay) and is fine; an overloaded or unavailable cluster, or a missing
   * alias, fails the batch so it is retried; a document refused for good is logged and counted.
   */
  private List<BulkResponseItem> send(List<BulkOperation> ops) throws IOException {
    BulkResponse response = es.bulk(b -> b.operations(ops).requireAlias(true));
    if (!response.errors()) {
      return response.items();
    }
    for (BulkResponseItem item : response.items()) {
      if (item.error() == null || item.status() == 409) {
        continue;
      }
      if (item.status() == 429 || item.status() >= 500 || item.status() == 404) {
        if (item.status() == 404) {
          ensureServing();
        }
        throw new IOException(
            "bulk item " + item.id() + " failed (" + item.status() + "): " + item.error().type());
      }
      rejected.increment();
      log.error(
          "search: {} {} refused ({}): {}",
          item.index(),
          item.id(),
          item.error().type(),
          item.error().reason());
    }
    return response.items().stream().filter(i -> i.error() == null).toList();
  }

  // ---- 4. company names on contacts --------------------------------------------------------

  /**
   * Rewrites the company's name into every contact that carries another, page by page. Each contact
   * keeps its version ({@code external_gte}); this tenant's contact events are not being written
   * meanwhile (one segment per tenant), and a refresh first makes the earlier batches' contacts
   * searchable.
   */
  private void copyCompanyName(CompanyDocument company) throws IOException {
    String alias = writeAlias(Kind.CONTACTS);
    es.indices().refresh(r -> r.index(alias));
    List<FieldValue> after = null;
    while (true) {
      List<FieldValue> searchAfter = after;
      SearchResponse<ContactDocument> page =
          es.search(
              s -> {
                s.index(alias)
                    .routing(company.tenantId)
                    .size(RENAME_PAGE)
                    .version(true)
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.filter(
                                            f ->
                                                f.term(
                                                    t ->
                                                        t.field("tenantId")
                                                            .value(company.tenantId)))
                                        .filter(
                                            f ->
                                                f.term(
                                                    t -> t.field("companyId").value(company.id)))))
                    .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
                if (searchAfter != null) {
                  s.searchAfter(searchAfter);
                }
                return s;
              },
              ContactDocument.class);
      List<Hit<ContactDocument>> hits = page.hits().hits();
      List<BulkOperation> ops = new ArrayList<>();
      for (Hit<ContactDocument> hit : hits) {
        ContactDocument d = hit.source();
        if (d != null && hit.version() != null && !Objects.equals(d.companyName, company.name)) {
          d.companyName = company.name;
          ops.add(index(alias, hit.id(), company.tenantId, hit.version(), d, true));
        }
      }
      if (!ops.isEmpty()) {
        send(ops);
      }
      if (hits.size() < RENAME_PAGE) {
        return;
      }
      after = hits.getLast().sort();
    }
  }
}
