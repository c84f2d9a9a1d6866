package dev.crm.query.segment;

import java.util.List;

/**
 * A filter over a tenant's contacts, as the API receives it: groups OR-ed, the filters of a group
 * AND-ed. Values are kept as the strings the client wrote; {@link ContactFilterCompiler} checks and
 * normalises them.
 */
public record SegmentFilter(List<FilterGroup> groups) {
  public SegmentFilter {
    groups = groups == null ? null : List.copyOf(groups);
  }

  /** Filters that must all hold. */
  public record FilterGroup(List<Filter> filters) {
    public FilterGroup {
      filters = filters == null ? null : List.copyOf(filters);
    }
  }

  /** One condition: a field, an operator and its values (none for exists and not_exists). */
  public record Filter(String field, String op, List<String> values) {
    public Filter {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }
}
