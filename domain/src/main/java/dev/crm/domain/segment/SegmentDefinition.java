package dev.crm.domain.segment;

import dev.crm.domain.shared.InvalidField;
import java.util.List;

/**
 * What a segment selects: groups OR-ed, the filters of a group AND-ed. The aggregate checks only
 * the shape and size; what a field or operator means is the query side's language, which the API
 * asks to check a definition before it sends it here.
 */
public record SegmentDefinition(List<Group> groups) {
  /** Bounds on one definition, so that one saved segment cannot become an unbounded query. */
  public static final int MAX_GROUPS = 10;

  public static final int MAX_FILTERS_PER_GROUP = 20;
  public static final int MAX_FILTERS = 50;
  public static final int MAX_VALUES = 100;

  public SegmentDefinition {
    groups = groups == null ? null : List.copyOf(groups);
  }

  /** Filters that must all hold. */
  public record Group(List<Filter> filters) {
    public Group {
      filters = filters == null ? null : List.copyOf(filters);
    }
  }

  /** One condition on a contact: a field, an operator and its values (empty for exists). */
  public record Filter(String field, String op, List<String> values) {
    public Filter {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }

  /**
   * Checks the definition's shape and size; {@code field} is the JSON field that holds it, and
   * every rejection names the exact path inside it, such as {@code filter.groups[1].filters[0]}.
   */
  public static SegmentDefinition require(String field, SegmentDefinition definition) {
    if (definition == null || definition.groups() == null || definition.groups().isEmpty()) {
      throw new InvalidField(field + ".groups", "must hold at least one group");
    }
    if (definition.groups().size() > MAX_GROUPS) {
      throw new InvalidField(field + ".groups", "must hold at most " + MAX_GROUPS + " groups");
    }
    int total = 0;
    for (int g = 0; g < definition.groups().size(); g++) {
      String groupPath = field + ".groups[" + g + "]";
      Group group = definition.groups().get(g);
      if (group == null || group.filters() == null || group.filters().isEmpty()) {
        throw new InvalidField(groupPath + ".filters", "must hold at least one filter");
      }
      if (group.filters().size() > MAX_FILTERS_PER_GROUP) {
        throw new InvalidField(
            groupPath + ".filters", "must hold at most " + MAX_FILTERS_PER_GROUP + " filters");
      }
      total += group.filters().size();
      for (int f = 0; f < group.filters().size(); f++) {
        requireFilter(groupPath + ".filters[" + f + "]", group.filters().get(f));
      }
    }
    if (total > MAX_FILTERS) {
      throw new InvalidField(field + ".groups", "must hold at most " + MAX_FILTERS + " filters");
    }
    return definition;
  }

  private static void requireFilter(String path, Filter filter) {
    if (filter == null) {
      throw new InvalidField(path, "is required");
    }
    if (filter.field() == null || filter.field().isBlank()) {
      throw new InvalidField(path + ".field", "is required");
    }
    if (filter.op() == null || filter.op().isBlank()) {
      throw new InvalidField(path + ".op", "is required");
    }
    if (filter.values().size() > MAX_VALUES) {
      throw new InvalidField(path + ".values", "must hold at most " + MAX_VALUES + " values");
    }
    if (filter.values().stream().anyMatch(v -> v == null)) {
      throw new InvalidField(path + ".values", "must not hold null");
    }
  }
}
