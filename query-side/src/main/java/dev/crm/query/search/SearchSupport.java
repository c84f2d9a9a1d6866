package dev.crm.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.CompletionContext;
import co.elastic.clients.elasticsearch.core.search.CompletionSuggestOption;
import co.elastic.clients.elasticsearch.core.search.HitsMetadata;
import co.elastic.clients.elasticsearch.core.search.TotalHitsRelation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crm.query.search.SearchQueries.Completion;
import dev.crm.query.search.SearchQueries.Completions;
import dev.crm.query.shared.InvalidQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** What the search handlers share: calling Elasticsearch, cursors, input limits, score tiers. */
final class SearchSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final int MAX_LIMIT = 100;
  static final int MAX_TEXT = 200;
  static final int MAX_COMPLETIONS = 20;

  /**
   * Ranking tiers: every clause is a constant score, so a record matched exactly outranks any
   * matched by prefix, which outranks any matched only by a typo-tolerant name match.
   */
  static final float EXACT = 100;

  static final float PHRASE = 40;
  static final float PREFIX = 20;
  static final float COMPANY = 10;

  private static final Pattern PHONE = Pattern.compile("[+()\\d\\s.\\-]{5,40}");

  private SearchSupport() {}

  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException;
  }

  /** Runs a request; an unreachable, overloaded or failing cluster becomes SearchUnavailable. */
  static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new SearchUnavailable(e);
    } catch (ElasticsearchException e) {
      if (e.status() >= 500 || e.status() == 429 || e.status() == 404) {
        throw new SearchUnavailable(e);
      }
      throw e;
    } catch (RuntimeException e) {
      // The low-level client wraps connection failures it sees late in unchecked exceptions.
      if (e.getCause() instanceof IOException io) {
        throw new SearchUnavailable(io);
      }
      throw e;
    }
  }

  static Query constant(Query inner, float boost) {
    return Query.of(q -> q.constantScore(c -> c.filter(inner).boost(boost)));
  }

  /**
   * The typo-tolerant tier: every word within AUTO edits (one up to five letters, two beyond) of a
   * word of {@code field}, its first letter as typed.
   */
  static Query typoTolerant(String field, String text) {
    return Query.of(
        q ->
            q.match(
                m ->
                    m.field(field)
                        .query(text)
                        .fuzziness("AUTO")
                        .prefixLength(1)
                        .operator(Operator.And)));
  }

  /**
   * Completions from one tenant's suggestions, one per record: the completion suggester ignores
   * query filters, so the tenant is a context of every suggestion and of this request; past three
   * characters one typo is forgiven.
   */
  static <T> Completions complete(
      ElasticsearchClient es,
      String index,
      String tenantId,
      String rawPrefix,
      int rawLimit,
      List<String> source,
      Class<T> type,
      Function<T, String> label) {
    String prefix = text("prefix", rawPrefix);
    if (prefix == null) {
      throw new InvalidQuery("prefix", "is required");
    }
    int limit = limit(rawLimit, MAX_COMPLETIONS);
    SearchResponse<T> response =
        call(
            () ->
                es.search(
                    s ->
                        s.index(index)
                            .routing(tenantId)
                            .size(0)
                            .source(src -> src.filter(f -> f.includes(source)))
                            .suggest(
                                g ->
                                    g.suggesters(
                                        "completions",
                                        f ->
                                            f.prefix(prefix)
                                                .completion(
                                                    c -> {
                                                      c.field("suggest")
                                                          .size(limit)
                                                          .contexts(
                                                              "tenant",
                                                              List.of(
                                                                  CompletionContext.of(
                                                                      x ->
                                                                          x.context(
                                                                              ctx ->
                                                                                  ctx.category(
                                                                                      tenantId)))));
                                                      if (prefix.length() >= 4) {
                                                        c.fuzzy(
                                                            z -> z.fuzziness("1").prefixLength(1));
                                                      }
                                                      return c;
                                                    }))),
                    type));
    Set<String> seen = new LinkedHashSet<>();
    List<Completion> items = new ArrayList<>();
    for (var suggestion : response.suggest().get("completions")) {
      for (CompletionSuggestOption<T> option : suggestion.completion().options()) {
        if (seen.add(option.id())) {
          items.add(new Completion(option.id(), option.text(), label.apply(option.source())));
        }
      }
    }
    return new Completions(items);
  }

  static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(value)));
  }

  /** The digits of a query that looks like a phone number, else null. */
  static String phoneDigits(String text) {
    if (!PHONE.matcher(text).matches()) {
      return null;
    }
    StringBuilder digits = new StringBuilder();
    text.chars().filter(Character::isDigit).forEach(digits::appendCodePoint);
    return digits.length() >= 5 ? digits.toString() : null;
  }

  static String text(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.strip();
    if (text.length() > MAX_TEXT) {
      throw new InvalidQuery(parameter, "is longer than " + MAX_TEXT + " characters");
    }
    return text;
  }

  static int limit(int limit, int max) {
    if (limit < 1 || limit > max) {
      throw new InvalidQuery("limit", "must be between 1 and " + max);
    }
    return limit;
  }

  static long total(HitsMetadata<?> hits) {
    return hits.total() == null ? hits.hits().size() : hits.total().value();
  }

  static boolean totalIsLowerBound(HitsMetadata<?> hits) {
    return hits.total() != null && hits.total().relation() == TotalHitsRelation.Gte;
  }

  // ---- cursors: the sort values of a page's last hit, bound to the sort they came from -------

  static String cursor(String sort, List<FieldValue> values) {
    ObjectNode node = JSON.createObjectNode();
    node.put("s", sort);
    ArrayNode v = node.putArray("v");
    for (FieldValue value : values) {
      if (value.isLong()) {
        v.add(value.longValue());
      } else if (value.isDouble()) {
        v.add(value.doubleValue());
      } else if (value.isString()) {
        v.add(value.stringValue());
      } else if (value.isBoolean()) {
        v.add(value.booleanValue());
      } else {
        v.addNull();
      }
    }
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  static List<FieldValue> after(String cursor, String sort) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
      if (!sort.equals(node.path("s").asText()) || !node.path("v").isArray()) {
        throw new InvalidQuery("cursor", "belongs to another sort; start again without it");
      }
      List<FieldValue> values = new ArrayList<>();
      for (JsonNode v : node.get("v")) {
        if (v.isIntegralNumber()) {
          values.add(FieldValue.of(v.asLong()));
        } else if (v.isNumber()) {
          values.add(FieldValue.of(v.asDouble()));
        } else if (v.isTextual()) {
          values.add(FieldValue.of(v.asText()));
        } else if (v.isBoolean()) {
          values.add(FieldValue.of(v.asBoolean()));
        } else {
          values.add(FieldValue.NULL);
        }
      }
      return values;
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidQuery("cursor", "is not a cursor this endpoint returned");
    }
  }
}
