package dev.crm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crm.bench.DataGenerator.Tenant;
import dev.crm.bench.ServiceProcess.Database;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Contact search and autocomplete through the API, each beside the same request sent straight to
 * Elasticsearch. The raw requests mirror what {@code ContactSearchHandler} sends (the bench is an
 * outside client and shares no code with the service): a five-tier should query, tenant and
 * archived filters, four facets, highlighting, 20 hits; and a completion suggester in the tenant's
 * context.
 */
final class SearchBench {
  static final int LIMIT = 20;
  static final int COMPLETIONS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fields a hit shows, as the service asks for them. */
  private static final String[] SOURCE = {
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
    "updatedAt"
  };

  /** One search a user would type, and what kind of match it is. */
  record Term(String kind, String text) {}

  private final Size size;
  private final Database db;
  private final URI elasticsearch;
  private final String indexPrefix;
  private final PrintStream out;
  private final Http http = Http.create();

  SearchBench(Size size, Database db, URI elasticsearch, String indexPrefix, PrintStream out) {
    this.size = size;
    this.db = db;
    this.elasticsearch = elasticsearch;
    this.indexPrefix = indexPrefix;
    this.out = out;
  }

  Map<String, Object> run(CrmClient api, Tenant tenant, List<Latency> charted) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    List<Term> terms = terms(UUID.fromString(tenant.id()));
    List<String> prefixes =
        terms.stream()
            .filter(t -> t.kind().equals("exact name"))
            .map(t -> t.text().substring(t.text().indexOf(' ') + 1))
            .filter(last -> last.length() >= 3)
            .map(
                last ->
                    last.substring(
                        0, 3 + ThreadLocalRandom.current().nextInt(Math.min(3, last.length() - 2))))
            .toList();
    out.printf(
        "[search] %d clients, %d s each: search API, search raw, autocomplete API, raw%n",
        size.readClients(), size.readSeconds());
    Latency search = new Latency("contact search (API)");
    Latency searchRaw = new Latency("contact search (raw Elasticsearch)");
    Latency complete = new Latency("contact autocomplete (API)");
    Latency completeRaw = new Latency("contact autocomplete (raw Elasticsearch)");
    loop(
        x -> {
          Term t = terms.get(x.nextInt(terms.size()));
          String path = "/api/v1/search/contacts?limit=" + LIMIT + "&q=" + enc(t.text());
          long t0 = System.nanoTime();
          CrmClient.Answer a = api.call("GET", path, null);
          search.recordNanos(System.nanoTime() - t0);
          expect(a.status(), path, a.body());
        });
    loop(
        x -> {
          Term t = terms.get(x.nextInt(terms.size()));
          String body = searchBody(tenant.id(), t.text());
          long t0 = System.nanoTime();
          CrmClient.Answer a = raw("/" + indexPrefix + "-contacts/_search", tenant.id(), body);
          searchRaw.recordNanos(System.nanoTime() - t0);
          expect(a.status(), "raw search", a.body());
        });
    loop(
        x -> {
          String p = prefixes.get(x.nextInt(prefixes.size()));
          String path =
              "/api/v1/search/contacts/autocomplete?limit=" + COMPLETIONS + "&prefix=" + enc(p);
          long t0 = System.nanoTime();
          CrmClient.Answer a = api.call("GET", path, null);
          complete.recordNanos(System.nanoTime() - t0);
          expect(a.status(), path, a.body());
        });
    loop(
        x -> {
          String p = prefixes.get(x.nextInt(prefixes.size()));
          String body = completionBody(tenant.id(), p);
          long t0 = System.nanoTime();
          CrmClient.Answer a = raw("/" + indexPrefix + "-contacts/_search", tenant.id(), body);
          completeRaw.recordNanos(System.nanoTime() - t0);
          expect(a.status(), "raw autocomplete", a.body());
        });
    charted.addAll(List.of(search, searchRaw, complete, completeRaw));
    r.put("clients", size.readClients());
    r.put("seconds", size.readSeconds());
    r.put("terms", terms.size());
    r.put("search", search.summary());
    r.put("searchRaw", searchRaw.summary());
    r.put(
        "searchP99RatioToRaw",
        Benchmark.ratio(search.percentileMillis(99), searchRaw.percentileMillis(99)));
    r.put("autocomplete", complete.summary());
    r.put("autocompleteRaw", completeRaw.summary());
    r.put(
        "autocompleteP99RatioToRaw",
        Benchmark.ratio(complete.percentileMillis(99), completeRaw.percentileMillis(99)));
    return r;
  }

  /**
   * Waits until the search index holds a document for every contact; answers how long that took.
   * The benchmark waits here after generating, so no measurement shares the machine with the search
   * projection's catching up.
   */
  double awaitIndexed() throws Exception {
    long expected;
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("select count(*) from contact");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      expected = rs.getLong(1);
    }
    long t0 = System.nanoTime();
    URI count = elasticsearch.resolve("/" + indexPrefix + "-contacts/_count");
    while (true) {
      CrmClient.Answer a = http.get(count);
      long indexed = a.status() == 200 ? JSON.readTree(a.body()).path("count").asLong() : -1;
      if (indexed >= expected) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(
            "[search] %,d documents indexed, %.1f s after generating ended%n", indexed, seconds);
        return Benchmark.round(seconds);
      }
      if (System.nanoTime() - t0 > 1_800_000_000_000L) {
        throw new IllegalStateException("search index stuck at " + indexed + " of " + expected);
      }
      out.printf("[search] indexed %,d of %,d%n", indexed, expected);
      Thread.sleep(5_000);
    }
  }

  /**
   * What users type, drawn from the tenant's data: whole names, names with one typo, the first
   * letters of a last name, exact emails and company names.
   */
  List<Term> terms(UUID tenant) throws SQLException {
    List<Term> terms = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select c.first_name, c.last_name, c.email, co.name from contact c"
                    + " left join company co on co.tenant_id = c.tenant_id and co.id = c.company_id"
                    + " where c.tenant_id = ? and c.first_name is not null and c.last_name is not null"
                    + " order by c.id limit 400")) {
      ps.setObject(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        int i = 0;
        while (rs.next()) {
          String first = rs.getString(1);
          String last = rs.getString(2);
          switch (i++ % 5) {
            case 0 -> terms.add(new Term("exact name", first + " " + last));
            case 1 -> terms.add(new Term("typo", first + " " + typo(last)));
            case 2 -> terms.add(new Term("prefix", last.substring(0, Math.min(4, last.length()))));
            case 3 -> terms.add(new Term("email", rs.getString(3)));
            default -> {
              if (rs.getString(4) != null) {
                terms.add(new Term("company", rs.getString(4)));
              }
            }
          }
        }
      }
    }
    return terms;
  }

  /** Swaps two inner letters, the commonest typo. */
  static String typo(String word) {
    if (word.length() < 4) {
      return word;
    }
    char[] c = word.toCharArray();
    int i = 1 + (word.length() - 3) / 2;
    char t = c[i];
    c[i] = c[i + 1];
    c[i + 1] = t;
    return new String(c);
  }

  static String searchBody(String tenant, String text) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("_source").set("includes", strings(SOURCE));
    body.put("size", LIMIT);
    ObjectNode aggs = body.putObject("aggregations");
    aggs.putObject("stage").putObject("terms").put("field", "stage").put("size", 20);
    aggs.putObject("tags").putObject("terms").put("field", "tags").put("size", 20);
    aggs.putObject("owner").putObject("terms").put("field", "ownerId").put("size", 20);
    ObjectNode company = aggs.putObject("company");
    company.putObject("terms").put("field", "companyId").put("size", 20);
    company
        .putObject("aggregations")
        .putObject("name")
        .putObject("terms")
        .put("field", "companyName.raw")
        .put("size", 1);
    ObjectNode highlight = body.putObject("highlight");
    highlight.set("pre_tags", strings("<em>"));
    highlight.set("post_tags", strings("</em>"));
    highlight.set("highlight_query", highlighting(text));
    ObjectNode fields = highlight.putObject("fields");
    fields.putObject("fullName");
    fields.putObject("emails");
    fields.putObject("companyName");
    ObjectNode bool = body.putObject("query").putObject("bool");
    ArrayNode filter = bool.putArray("filter");
    filter.addObject().putObject("term").putObject("tenantId").put("value", tenant);
    filter.addObject().putObject("term").putObject("archived").put("value", false);
    bool.putArray("must").add(matching(text));
    ArrayNode sort = body.putArray("sort");
    sort.addObject().putObject("_score").put("order", "desc");
    sort.addObject().putObject("id").put("order", "asc");
    return body.toString();
  }

  static String completionBody(String tenant, String prefix) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("_source").set("includes", strings(SOURCE));
    body.put("size", 0);
    ObjectNode suggester = body.putObject("suggest").putObject("completions");
    suggester.put("prefix", prefix);
    ObjectNode completion = suggester.putObject("completion");
    completion.put("field", "suggest").put("size", COMPLETIONS);
    completion.putObject("contexts").putArray("tenant").addObject().put("context", tenant);
    if (prefix.length() >= 4) {
      completion.putObject("fuzzy").put("fuzziness", "1").put("prefix_length", 1);
    }
    return body.toString();
  }

  /** What highlights mark, as the service asks for it. */
  static ObjectNode highlighting(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("\\s+");
    String last = words[words.length - 1].replaceAll("[*?\\\\]", "");
    ObjectNode query = JSON.createObjectNode();
    ArrayNode should = query.putObject("bool").putArray("should");
    should.add(match("match", "fullName", text, false));
    should.add(match("match", "companyName", text, false));
    should.add(term("emails", text));
    if (!last.isEmpty()) {
      should.addObject().putObject("wildcard").putObject("fullName").put("value", last + "*");
      should.addObject().putObject("wildcard").putObject("companyName").put("value", last + "*");
      if (words.length == 1) {
        should.addObject().putObject("prefix").putObject("emails").put("value", last);
      }
    }
    return query;
  }

  /** The five ranking tiers, as the service builds them. */
  static ObjectNode matching(String text) {
    ObjectNode query = JSON.createObjectNode();
    ObjectNode inner = query.putObject("bool");
    inner.put("minimum_should_match", "1");
    ArrayNode should = inner.putArray("should");
    constant(should, 100, term("fullName.keyword", text));
    constant(should, 100, term("emails", text));
    String digits = text.replaceAll("\\D", "");
    if (text.matches("[+()\\d\\s.\\-]{5,40}") && digits.length() >= 5) {
      constant(should, 100, term("phones", digits));
    }
    constant(should, 40, match("match_phrase", "fullName", text, false));
    constant(should, 20, match("match_bool_prefix", "fullName", text, true));
    if (!text.contains(" ")) {
      ObjectNode prefix = JSON.createObjectNode();
      prefix.putObject("prefix").putObject("emails").put("value", text.toLowerCase(Locale.ROOT));
      constant(should, 20, prefix);
    }
    constant(should, 10, match("match_bool_prefix", "companyName", text, true));
    ObjectNode fuzzy = should.addObject().putObject("match").putObject("fullName");
    fuzzy
        .put("query", text)
        .put("fuzziness", "AUTO")
        .put("prefix_length", 1)
        .put("operator", "and");
    return query;
  }

  private static ObjectNode term(String field, String value) {
    ObjectNode node = JSON.createObjectNode();
    node.putObject("term").putObject(field).put("value", value);
    return node;
  }

  private static ObjectNode match(String type, String field, String text, boolean and) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode f = node.putObject(type).putObject(field);
    f.put("query", text);
    if (and) {
      f.put("operator", "and");
    }
    return node;
  }

  private static void constant(ArrayNode should, double boost, ObjectNode filter) {
    ObjectNode c = should.addObject().putObject("constant_score");
    c.put("boost", boost);
    c.set("filter", filter);
  }

  private static ArrayNode strings(String... values) {
    ArrayNode a = JSON.createArrayNode();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private CrmClient.Answer raw(String path, String routing, String body) {
    URI uri =
        elasticsearch.resolve(
            path + "?routing=" + routing + (path.endsWith("/_search") ? "&typed_keys=true" : ""));
    return http.send("POST", uri, java.util.Map.of(), Http.json(body));
  }

  @FunctionalInterface
  private interface Step {
    void run(ThreadLocalRandom r) throws Exception;
  }

  private void loop(Step step) throws Exception {
    long deadline = System.nanoTime() + size.readSeconds() * 1_000_000_000L;
    try (ExecutorService pool = Executors.newFixedThreadPool(size.readClients())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < size.readClients(); i++) {
        futures.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (System.nanoTime() < deadline) {
                    step.run(r);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  private static void expect(int status, String what, String body) {
    if (status != 200) {
      throw new IllegalStateException(what + " answered " + status + ": " + body);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
