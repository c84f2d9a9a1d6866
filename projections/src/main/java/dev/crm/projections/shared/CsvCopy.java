package dev.crm.projections.shared;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.postgresql.PGConnection;

/**
 * Rows of a jOOQ table written with PostgreSQL's {@code COPY … FROM STDIN (FORMAT csv)} on the
 * connection of the current transaction. Every value is quoted, so an empty string stays an empty
 * string and only a missing value (an unquoted empty field) is NULL.
 */
final class CsvCopy {
  private CsvCopy() {}

  static <R extends TableRecord<R>> void copy(DSLContext db, Table<R> table, List<R> rows) {
    Field<?>[] fields = table.fields();
    String sql =
        "COPY "
            + db.render(table)
            + " ("
            + Stream.of(fields)
                .map(f -> db.render(f.getUnqualifiedName()))
                .collect(Collectors.joining(", "))
            + ") FROM STDIN (FORMAT csv)";
    StringBuilder csv = new StringBuilder(rows.size() * 400);
    for (R row : rows) {
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          csv.append(',');
        }
        Object value = row.get(i);
        if (value != null) {
          quoted(csv, text(value));
        }
      }
      csv.append('\n');
    }
    db.connection(
        c ->
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(sql, new StringReader(csv.toString())));
  }

  /** A value as PostgreSQL reads it from text. */
  static String text(Object value) {
    return switch (value) {
      case String s -> s;
      case UUID u -> u.toString();
      case Boolean b -> b.toString();
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case BigDecimal d -> d.toPlainString();
      case OffsetDateTime t -> t.toString();
      case LocalDate d -> d.toString();
      case JSONB j -> j.data();
      case String[] array -> array(array);
      default ->
          throw new IllegalArgumentException("no COPY text form for " + value.getClass().getName());
    };
  }

  /** A text array literal: every element double-quoted, backslashes and quotes escaped. */
  private static String array(String[] elements) {
    StringBuilder a = new StringBuilder("{");
    for (int i = 0; i < elements.length; i++) {
      if (i > 0) {
        a.append(',');
      }
      if (elements[i] == null) {
        a.append("NULL");
      } else {
        a.append('"').append(elements[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return a.append('}').toString();
  }

  private static void quoted(StringBuilder csv, String text) {
    csv.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        csv.append('"');
      }
      csv.append(c);
    }
    csv.append('"');
  }
}
