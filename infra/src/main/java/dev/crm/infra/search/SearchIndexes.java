package dev.crm.infra.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The search indexes. Each lives under a versioned name ({@code crm-contacts-v1}) behind a read
 * alias ({@code crm-contacts}) that queries use and a write alias ({@code crm-contacts-write}) that
 * the projection uses, so a rebuild can fill a new version beside the old one and swap the aliases.
 * All tenants share one index, routed by tenant id, and every query filters on the tenant.
 */
@Component
public class SearchIndexes {
  private static final Logger log = LoggerFactory.getLogger(SearchIndexes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One index family: its name, the mapping version it is built with, and its mapping file. */
  public enum Kind {
    CONTACTS("contacts", 2),
    COMPANIES("companies", 2);

    private final String name;
    private final int mappingVersion;

    Kind(String name, int mappingVersion) {
      this.name = name;
      this.mappingVersion = mappingVersion;
    }
  }

  private final ElasticsearchClient es;
  private final String prefix;
  private final int shards;
  private final int replicas;

  public SearchIndexes(
      ElasticsearchClient es,
      @Value("${crm.search.index-prefix:crm}") String prefix,
      @Value("${crm.search.shards:1}") int shards,
      @Value("${crm.search.replicas:0}") int replicas) {
    this.es = es;
    this.prefix = prefix;
    this.shards = shards;
    this.replicas = replicas;
  }

  /** The alias queries read through. */
  public String read(Kind kind) {
    return prefix + "-" + kind.name;
  }

  /** The alias the projection writes through. */
  public String write(Kind kind) {
    return prefix + "-" + kind.name + "-write";
  }

  /** The concrete index of the current mapping version. */
  public String index(Kind kind) {
    return prefix + "-" + kind.name + "-v" + kind.mappingVersion;
  }

  /**
   * Creates every index of the current mapping version that the read alias does not point to yet;
   * answers the kinds it created. A missing alias gets a new index with both aliases. An alias on
   * an older version is moved to a new, empty index in one atomic alias update, and the old index
   * is left for the operator to drop (or to move back to). Either way the caller must rebuild the
   * new index from the events. Safe to call from several nodes at once: the loser of a creation
   * race finds the index made and leaves the aliases to the winner.
   */
  public synchronized Set<Kind> ensure() throws IOException {
    Set<Kind> created = EnumSet.noneOf(Kind.class);
    Boolean folding = null;
    for (Kind kind : Kind.values()) {
      Set<String> current = serving(kind);
      if (current.stream().anyMatch(i -> isVersionOf(kind, i))) {
        continue;
      }
      if (folding == null) {
        folding = serverHasAsciiFolding();
      }
      String body = createBody(kind, folding, current.isEmpty());
      try {
        es.indices().create(c -> c.index(index(kind)).withJson(new StringReader(body)));
      } catch (ElasticsearchException e) {
        if ("resource_already_exists_exception".equals(e.error().type())) {
          continue;
        }
        throw e;
      }
      if (!current.isEmpty()) {
        moveAliases(kind, current);
      }
      created.add(kind);
      log.info(
          "Created search index {} (aliases {}, {}{}; ascii folding {})",
          index(kind),
          read(kind),
          write(kind),
          current.isEmpty() ? "" : ", moved from " + current,
          folding ? "on" : "off: the server lacks the analysis-common module");
    }
    return created;
  }

  private void moveAliases(Kind kind, Set<String> from) throws IOException {
    es.indices()
        .updateAliases(
            u -> {
              for (String old : from) {
                u.actions(a -> a.remove(r -> r.index(old).alias(read(kind))));
                u.actions(a -> a.remove(r -> r.index(old).alias(write(kind))));
              }
              u.actions(a -> a.add(x -> x.index(index(kind)).alias(read(kind))));
              u.actions(
                  a -> a.add(x -> x.index(index(kind)).alias(write(kind)).isWriteIndex(true)));
              return u;
            });
  }

  /**
   * {@code asciifolding} (so "Müller" is found as "muller") lives in Elasticsearch's
   * analysis-common module. Full distributions have it; the core-only test distribution does not.
   */
  private boolean serverHasAsciiFolding() throws IOException {
    return es.nodes().info(n -> n.metric("plugins")).nodes().values().stream()
        .allMatch(
            node -> node.modules().stream().anyMatch(m -> "analysis-common".equals(m.name())));
  }

  /**
   * Whether {@code index} holds the current mapping version of {@code kind}: the index first made
   * for it, or one a rebuild made beside it ({@code -v2-r<id>}).
   */
  boolean isVersionOf(Kind kind, String index) {
    return index.equals(index(kind)) || index.startsWith(index(kind) + "-r");
  }

  // ---- rebuilds ----------------------------------------------------------------------------

  /** The alias a rebuild writes through, to the index it fills beside the serving one. */
  public String rebuildWrite(Kind kind) {
    return prefix + "-" + kind.name + "-rebuild";
  }

  /** The index a rebuild named {@code rebuildId} fills for {@code kind}. */
  public String rebuildIndex(Kind kind, String rebuildId) {
    return index(kind) + "-r" + rebuildId;
  }

  /** The indexes the read alias of {@code kind} points to now. */
  public Set<String> serving(Kind kind) throws IOException {
    return es.indices().existsAlias(a -> a.name(read(kind))).value()
        ? es.indices().getAlias(a -> a.name(read(kind))).result().keySet()
        : Set.of();
  }

  /**
   * Creates the empty indexes a rebuild fills, behind the rebuild alias only, tuned for loading: no
   * refresh and no replicas until {@link #switchTo} (Elasticsearch builds its segments once, and
   * copies them to replicas once, instead of per bulk). A leftover index of an abandoned rebuild is
   * deleted first. Idempotent for the same id.
   */
  public void createRebuild(String rebuildId) throws IOException {
    boolean folding = serverHasAsciiFolding();
    for (Kind kind : Kind.values()) {
      String index = rebuildIndex(kind, rebuildId);
      if (es.indices().exists(e -> e.index(index)).value()) {
        continue;
      }
      if (es.indices().existsAlias(a -> a.name(rebuildWrite(kind))).value()) {
        for (String stale :
            es.indices().getAlias(a -> a.name(rebuildWrite(kind))).result().keySet()) {
          if (!serving(kind).contains(stale)) {
            es.indices().delete(d -> d.index(stale));
            log.info("Deleted {}, left by an abandoned rebuild", stale);
          }
        }
      }
      ObjectNode body = (ObjectNode) JSON.readTree(createBody(kind, folding, false));
      ObjectNode settings = (ObjectNode) body.get("settings");
      settings.put("number_of_replicas", 0);
      settings.put("refresh_interval", "-1");
      body.putObject("aliases").putObject(rebuildWrite(kind)).put("is_write_index", true);
      es.indices().create(c -> c.index(index).withJson(new StringReader(body.toString())));
      log.info("Created {} for rebuild {}", index, rebuildId);
    }
  }

  /**
   * Makes a rebuild's indexes the serving ones: restores refresh and replicas, refreshes them so
   * every document is searchable, then moves the read and write aliases to them in one atomic alias
   * update (a query sees either the old indexes or the new, never neither). Answers the indexes
   * that served before, for the caller to delete.
   */
  public Set<String> switchTo(String rebuildId) throws IOException {
    Set<String> old = new java.util.HashSet<>();
    for (Kind kind : Kind.values()) {
      String index = rebuildIndex(kind, rebuildId);
      es.indices()
          .putSettings(
              p ->
                  p.index(index)
                      .settings(
                          x ->
                              x.numberOfReplicas(Integer.toString(replicas))
                                  .refreshInterval(t -> t.time("1s"))));
      es.indices().refresh(r -> r.index(index));
      old.addAll(serving(kind));
    }
    es.indices()
        .updateAliases(
            u -> {
              for (Kind kind : Kind.values()) {
                String index = rebuildIndex(kind, rebuildId);
                try {
                  for (String o : serving(kind)) {
                    if (!o.equals(index)) {
                      u.actions(a -> a.remove(r -> r.index(o).alias(read(kind))));
                      u.actions(a -> a.remove(r -> r.index(o).alias(write(kind))));
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                u.actions(a -> a.remove(r -> r.index(index).alias(rebuildWrite(kind))));
                u.actions(a -> a.add(x -> x.index(index).alias(read(kind))));
                u.actions(a -> a.add(x -> x.index(index).alias(write(kind)).isWriteIndex(true)));
              }
              return u;
            });
    for (Kind kind : Kind.values()) {
      old.remove(rebuildIndex(kind, rebuildId));
    }
    log.info("Search now reads rebuild {}; retired {}", rebuildId, old);
    return old;
  }

  /** Deletes indexes no alias serves any more (a swapped-out version, an abandoned rebuild). */
  public void delete(Set<String> indexes) throws IOException {
    for (String index : indexes) {
      if (es.indices().exists(e -> e.index(index)).value()) {
        es.indices().delete(d -> d.index(index));
      }
    }
  }

  private String createBody(Kind kind, boolean folding, boolean withAliases) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode settings = body.putObject("settings");
    settings.put("number_of_shards", shards);
    settings.put("number_of_replicas", replicas);
    ObjectNode analysis = settings.putObject("analysis");
    ArrayNode filters = JSON.createArrayNode().add("lowercase");
    if (folding) {
      filters.add("asciifolding");
    }
    ObjectNode normalizer = analysis.putObject("normalizer").putObject("crm_keyword");
    normalizer.put("type", "custom");
    normalizer.set("filter", filters.deepCopy());
    ObjectNode analyzer = analysis.putObject("analyzer").putObject("crm_text");
    analyzer.put("type", "custom");
    analyzer.put("tokenizer", "standard");
    analyzer.set("filter", filters.deepCopy());
    body.set("mappings", mapping(kind));
    if (withAliases) {
      ObjectNode aliases = body.putObject("aliases");
      aliases.putObject(read(kind));
      aliases.putObject(write(kind)).put("is_write_index", true);
    }
    return body.toString();
  }

  private static ObjectNode mapping(Kind kind) {
    String resource = "/search/" + kind.name + "-v" + kind.mappingVersion + ".json";
    try (InputStream in = SearchIndexes.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing mapping " + resource);
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
