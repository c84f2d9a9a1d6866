package dev.crm.projections.shared;

import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.trim;

import org.jooq.Field;

/** The lower-cased keys that the name sorts of the list endpoints use. */
public final class SortKeys {
  private SortKeys() {}

  /** "last first", lower-cased, so "Smith, Anna" sorts before "Smith, John". */
  public static Field<String> personName(Field<String> lastName, Field<String> firstName) {
    return lower(
        trim(
            coalesce(lastName, inline(""))
                .concat(inline(" "))
                .concat(coalesce(firstName, inline("")))));
  }

  public static Field<String> name(Field<String> name) {
    return lower(trim(name));
  }

  /** {@link #name(Field)} computed in Java, for rows written in bulk. */
  public static String name(String name) {
    return name == null ? null : name.strip().toLowerCase(java.util.Locale.ROOT);
  }

  /** The same key computed in Java, for rows written in bulk. */
  public static String personName(String lastName, String firstName) {
    String last = lastName == null ? "" : lastName;
    String first = firstName == null ? "" : firstName;
    return (last + " " + first).strip().toLowerCase(java.util.Locale.ROOT);
  }
}
