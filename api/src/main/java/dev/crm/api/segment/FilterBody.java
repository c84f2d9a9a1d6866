package dev.crm.api.segment;

import dev.crm.domain.segment.SegmentDefinition;
import dev.crm.domain.shared.InvalidField;
import dev.crm.query.segment.SegmentFilter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A contact filter as JSON: {@code {"groups":[{"filters":[{"field","op","value"|"values"}]}]}}.
 * Groups are OR-ed, the filters of a group AND-ed. Values may be JSON strings, numbers or booleans;
 * they are read into strings here, and the query side gives them their meaning.
 */
@Schema(
    description =
        "Groups are OR-ed, the filters of a group AND-ed. Example:"
            + " {\"groups\":[{\"filters\":[{\"field\":\"lifecycleStage\",\"op\":\"eq\","
            + "\"value\":\"LEAD\"},{\"field\":\"tags\",\"op\":\"contains\",\"values\":[\"vip\"]}]}]}")
public record FilterBody(List<Group> groups) {
  /** The JSON field a filter arrives in, in every request that carries one. */
  static final String FIELD = "filter";

  public record Group(List<Filter> filters) {}

  public record Filter(
      @Schema(
              description =
                  "firstName, lastName, email, ownerId, companyId, lifecycleStage, leadScore,"
                      + " activityCount, optIns.email, optIns.sms, optIns.call, archived,"
                      + " createdAt, updatedAt, lastActivityAt, daysSinceLastActivity, tags,"
                      + " company.industry, company.sizeBand, company.status, company.name,"
                      + " custom.<key>")
          String field,
      @Schema(
              description =
                  "eq, neq, in, not_in, contains, starts_with, gt, gte, lt, lte, between,"
                      + " exists, not_exists, before, after")
          String op,
      @Schema(description = "One value: a string, number or boolean") JsonNode value,
      @Schema(description = "Several values (in, not_in, between, contains on tags)")
          JsonNode values) {}

  /** The filter for the query side; values become strings, each bad one named by its path. */
  public SegmentFilter toQuery() {
    if (groups == null) {
      return new SegmentFilter(null);
    }
    List<SegmentFilter.FilterGroup> result = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      if (group == null || group.filters() == null) {
        result.add(new SegmentFilter.FilterGroup(group == null ? null : List.of()));
        continue;
      }
      List<SegmentFilter.Filter> filters = new ArrayList<>();
      for (int f = 0; f < group.filters().size(); f++) {
        Filter filter = group.filters().get(f);
        String path = FIELD + ".groups[" + g + "].filters[" + f + "]";
        if (filter == null) {
          throw new InvalidField(path, "is required");
        }
        filters.add(new SegmentFilter.Filter(filter.field(), filter.op(), values(path, filter)));
      }
      result.add(new SegmentFilter.FilterGroup(filters));
    }
    return new SegmentFilter(result);
  }

  /** The same filter as the segment aggregate keeps it. */
  public SegmentDefinition toDefinition() {
    SegmentFilter query = toQuery();
    return new SegmentDefinition(
        query.groups().stream()
            .map(
                g ->
                    new SegmentDefinition.Group(
                        g.filters().stream()
                            .map(f -> new SegmentDefinition.Filter(f.field(), f.op(), f.values()))
                            .toList()))
            .toList());
  }

  private static List<String> values(String path, Filter filter) {
    boolean hasValue = given(filter.value());
    boolean hasValues = given(filter.values());
    if (hasValue && hasValues) {
      throw new InvalidField(path + ".values", "send either value or values, not both");
    }
    if (hasValue) {
      return List.of(scalar(path + ".value", filter.value()));
    }
    if (!hasValues) {
      return List.of();
    }
    if (!filter.values().isArray()) {
      throw new InvalidField(path + ".values", "must be a list; send one value as value");
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < filter.values().size(); i++) {
      result.add(scalar(path + ".values[" + i + "]", filter.values().get(i)));
    }
    return result;
  }

  private static boolean given(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  private static String scalar(String path, JsonNode node) {
    if (node.isString()) {
      return node.asString();
    }
    if (node.isNumber()) {
      return node.decimalValue().toPlainString();
    }
    if (node.isBoolean()) {
      return Boolean.toString(node.booleanValue());
    }
    throw new InvalidField(path, "must be a string, number or boolean");
  }
}
