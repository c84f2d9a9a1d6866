package dev.crm.domain.shared;

import org.axonframework.test.matchers.Matchers;
import org.hamcrest.Matcher;

/** Matchers for the domain's rejections, so a test names the field or aggregate it expects. */
public final class Rejections {
  private Rejections() {}

  public static Matcher<Object> invalidField(String field) {
    return Matchers.predicate(e -> e instanceof InvalidField f && f.field().equals(field));
  }

  public static Matcher<Object> notFound(String type, String id) {
    return Matchers.predicate(
        e ->
            e instanceof AggregateNotFound n
                && n.aggregateType().equals(type)
                && n.aggregateId().equals(id));
  }

  public static Matcher<Object> archived(String type, String id) {
    return Matchers.predicate(
        e ->
            e instanceof AggregateArchived a
                && a.aggregateType().equals(type)
                && a.aggregateId().equals(id));
  }
}
