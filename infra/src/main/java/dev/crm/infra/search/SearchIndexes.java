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
    CONTACTS("contacts", 1),
    COMPANIES("companies", 1);

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
   * Creates every index whose read alias is missing, with both aliases; answers the kinds it
   * created. Safe to call from several nodes at once: the loser of a creation race finds the index
   * made.
   */
  public synchronized Set<Kind> ensure() throws IOException {
    Set<Kind> created = EnumSet.noneOf(Kind.class);
    Boolean folding = null;
    for (Kind kind : Kind.values()) {
      if (es.indices().existsAlias(a -> a.name(read(kind))).value()) {
        continue;
      }
      if (folding == null) {
        folding = serverHasAsciiFolding();
      }
      String body = createBody(kind, folding);
      try {
        es.indices().create(c -> c.index(index(kind)).withJson(new StringReader(body)));
        created.add(kind);
        log.info(
            "Created search index {} (aliases {}, {}; ascii folding {})",
            index(kind),
            read(kind),
            write(kind),
            folding ? "on" : "off: the server lacks the analysis-common module");
      } catch (ElasticsearchException e) {
        if (!"resource_already_exists_exception".equals(e.error().type())) {
          throw e;
        }
      }
    }
    return created;
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

  private String createBody(Kind kind, boolean folding) {
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
    ObjectNode aliases = body.putObject("aliases");
    aliases.putObject(read(kind));
    aliases.putObject(write(kind)).put("is_write_index", true);
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
