package dev.crm.query.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Full-text search and autocomplete over the Elasticsearch indexes, and what they answer. */
public final class SearchQueries {
  private SearchQueries() {}

  /** Whether archived records are left out (the default), included, or the only ones. */
  public enum Archived {
    EXCLUDE,
    INCLUDE,
    ONLY
  }

  public enum SearchSort {
    RELEVANCE,
    CREATED,
    UPDATED,
    NAME
  }

  /**
   * {@code q} searches names, emails, phone and company name; the rest filter. {@code tags} must
   * all be present; {@code custom} matches custom fields by their canonical value.
   */
  public record SearchContacts(
      String tenantId,
      String q,
      List<String> stages,
      List<String> tags,
      String ownerId,
      String companyId,
      Instant createdFrom,
      Instant createdTo,
      Map<String, String> custom,
      Archived archived,
      SearchSort sort,
      boolean ascending,
      String cursor,
      int limit,
      boolean facets) {
    public SearchContacts {
      stages = stages == null ? List.of() : List.copyOf(stages);
      tags = tags == null ? List.of() : List.copyOf(tags);
      custom = custom == null ? Map.of() : Map.copyOf(custom);
    }
  }

  public record ContactHit(
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
      Instant updatedAt,
      Double score,
      Map<String, List<String>> highlight) {}

  /** One facet value and how many matching records have it; {@code label} names an id's record. */
  public record FacetCount(String value, String label, long count) {}

  /** A page of hits; {@code total} is exact unless {@code totalIsLowerBound}. */
  public record ContactSearchPage(
      List<ContactHit> items,
      long total,
      boolean totalIsLowerBound,
      Map<String, List<FacetCount>> facets,
      String nextCursor) {}

  public record SearchCompanies(
      String tenantId,
      String q,
      String industry,
      String status,
      Archived archived,
      String cursor,
      int limit) {}

  public record CompanyHit(
      String id,
      String name,
      String domain,
      String industry,
      String sizeBand,
      String status,
      boolean archived,
      Double score,
      Map<String, List<String>> highlight) {}

  public record CompanySearchPage(
      List<CompanyHit> items, long total, boolean totalIsLowerBound, String nextCursor) {}

  /** Names (or emails) that start with {@code prefix}, as a user types. */
  public record AutocompleteContacts(String tenantId, String prefix, int limit) {}

  public record AutocompleteCompanies(String tenantId, String prefix, int limit) {}

  /** One completion: the record's id, the text that matched and a label to show. */
  public record Completion(String id, String text, String label) {}

  public record Completions(List<Completion> items) {}
}
