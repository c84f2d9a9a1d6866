package dev.crm.query.segment;

import dev.crm.query.shared.InvalidQuery;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The operators of the filter language, spelt in JSON as their lower-case names. */
enum FilterOp {
  EQ,
  NEQ,
  IN,
  NOT_IN,
  CONTAINS,
  STARTS_WITH,
  GT,
  GTE,
  LT,
  LTE,
  BETWEEN,
  EXISTS,
  NOT_EXISTS,
  BEFORE,
  AFTER;

  String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  static FilterOp parse(String path, String op) {
    if (op == null || op.isBlank()) {
      throw new InvalidQuery(path, "is required");
    }
    for (FilterOp candidate : values()) {
      if (candidate.json().equals(op)) {
        return candidate;
      }
    }
    throw new InvalidQuery(
        path,
        "'"
            + op
            + "' is not an operator; use one of "
            + Arrays.stream(values()).map(FilterOp::json).collect(Collectors.joining(", ")));
  }
}
