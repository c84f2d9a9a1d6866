package dev.crm.projections.shared;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
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
 * connection of the current transaction. Text is quoted, so an empty string stays an empty string
 * and only a missing value (an unquoted empty field) is NULL; ids, numbers, booleans and times,
 * which hold no comma, quote or line break, go in as they are, times formatted without a string of
 * their own.
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
    Csv csv = new Csv(rows.size() * 1024);
    for (R row : rows) {
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          csv.comma();
        }
        Object value = row.get(i);
        switch (value) {
          case null -> {}
          case OffsetDateTime t -> csv.time(t);
          case UUID u -> csv.plain(u.toString());
          case Integer n -> csv.plain(n.toString());
          case Long n -> csv.plain(n.toString());
          case Boolean b -> csv.plain(b.toString());
          case BigDecimal d -> csv.plain(d.toPlainString());
          case LocalDate d -> csv.plain(d.toString());
          case String text -> csv.quoted(text);
          case JSONB json -> csv.quoted(json.data());
          case String[] array -> csv.quoted(array(array));
          default ->
              throw new IllegalArgumentException(
                  "no COPY text form for " + value.getClass().getName());
        }
      }
      csv.newline();
    }
    db.connection(
        c ->
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(sql, new ByteArrayInputStream(csv.bytes, 0, csv.size)));
  }

  /**
   * The rows as UTF-8 CSV bytes, handed to the driver as they are (a {@code String} would be
   * encoded again on the way).
   */
  static final class Csv {
    byte[] bytes;
    int size;

    Csv(int capacity) {
      bytes = new byte[capacity];
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void comma() {
      room(1);
      bytes[size++] = ',';
    }

    void newline() {
      room(1);
      bytes[size++] = '\n';
    }

    /** A field that needs no quotes: ASCII without a comma, quote or line break. */
    void plain(String ascii) {
      int n = ascii.length();
      room(n);
      for (int i = 0; i < n; i++) {
        bytes[size++] = (byte) ascii.charAt(i);
      }
    }

    /**
     * A time as PostgreSQL reads it, {@code 2026-12-05T01:02:03.456789Z} (or {@code +01:00}): what
     * {@link OffsetDateTime#toString} gives, built here digit by digit, a tenth of a rebuild's
     * row-writing time when it was not.
     */
    void time(OffsetDateTime t) {
      int year = t.getYear();
      if (year < 1000 || year > 9999) {
        plain(t.toString());
        return;
      }
      room(40);
      digits(year, 4);
      bytes[size++] = '-';
      digits(t.getMonthValue(), 2);
      bytes[size++] = '-';
      digits(t.getDayOfMonth(), 2);
      bytes[size++] = 'T';
      digits(t.getHour(), 2);
      bytes[size++] = ':';
      digits(t.getMinute(), 2);
      bytes[size++] = ':';
      digits(t.getSecond(), 2);
      if (t.getNano() > 0) {
        bytes[size++] = '.';
        digits(t.getNano(), 9);
      }
      int offset = t.getOffset().getTotalSeconds();
      if (offset == 0) {
        bytes[size++] = 'Z';
      } else {
        bytes[size++] = (byte) (offset < 0 ? '-' : '+');
        offset = Math.abs(offset);
        digits(offset / 3600, 2);
        bytes[size++] = ':';
        digits(offset / 60 % 60, 2);
        if (offset % 60 != 0) {
          bytes[size++] = ':';
          digits(offset % 60, 2);
        }
      }
    }

    private void digits(int value, int width) {
      for (int i = size + width - 1; i >= size; i--) {
        bytes[i] = (byte) ('0' + value % 10);
        value /= 10;
      }
      size += width;
    }

    /** A quoted field: quotes doubled (no byte of a multi-byte character is a quote). */
    void quoted(String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      room(utf8.length * 2 + 2);
      bytes[size++] = '"';
      for (byte b : utf8) {
        if (b == '"') {
          bytes[size++] = '"';
        }
        bytes[size++] = b;
      }
      bytes[size++] = '"';
    }
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
}
