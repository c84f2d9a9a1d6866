package dev.crm.query.shared;

import static org.jooq.impl.DSL.row;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.RecordMapper;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SortField;
import org.jooq.Table;

/**
 * Keyset (seek) pagination: the page after a cursor starts strictly after the cursor's (sort key,
 * id), which an index on (tenant_id, sort key, id) answers without counting skipped rows, so page
 * 1,000 costs what page 1 does. The cursor is opaque to clients.
 */
public final class Keyset {
  private Keyset() {}

  /**
   * Where a page starts and how long it is. {@code order} names what the rows are sorted by (a list
   * sort, or a query with an order of its own such as a timeline); a cursor is accepted only by the
   * order and direction it was issued for.
   */
  public record Request(String order, boolean descending, String cursor, int limit) {}

  public static <V> Page<V> page(
      DSLContext db,
      Table<?> table,
      List<? extends SelectFieldOrAsterisk> columns,
      Condition where,
      Field<?> sortKey,
      Field<UUID> id,
      ListRequest request,
      RecordMapper<Record, V> mapper) {
    return page(db, table, columns, where, sortKey, id, request.keyset(), mapper);
  }

  public static <V> Page<V> page(
      DSLContext db,
      Table<?> table,
      List<? extends SelectFieldOrAsterisk> columns,
      Condition where,
      Field<?> sortKey,
      Field<UUID> id,
      Request request,
      RecordMapper<Record, V> mapper) {
    @SuppressWarnings("unchecked")
    Field<Object> key = (Field<Object>) sortKey;
    Condition after = where;
    if (request.cursor() != null) {
      Decoded c = decode(request, key);
      after =
          after.and(
              request.descending()
                  ? row(key, id).lt(row(c.value(), c.id()))
                  : row(key, id).gt(row(c.value(), c.id())));
    }
    List<SortField<?>> order =
        request.descending() ? List.of(key.desc(), id.desc()) : List.of(key.asc(), id.asc());
    List<SelectFieldOrAsterisk> selected = new ArrayList<>(columns);
    selected.add(key.as("keyset_sort"));
    selected.add(id.as("keyset_id"));
    List<Record> rows =
        db.select(selected)
            .from(table)
            .where(after)
            .orderBy(order)
            .limit(request.limit() + 1)
            .fetch();
    boolean more = rows.size() > request.limit();
    List<Record> page = more ? rows.subList(0, request.limit()) : rows;
    String next = null;
    if (more) {
      Record last = page.getLast();
      next = encode(request, last.get("keyset_sort"), last.get("keyset_id", UUID.class));
    }
    return new Page<>(page.stream().map(mapper::map).toList(), next);
  }

  private record Decoded(Object value, UUID id) {}

  private static String encode(Request request, Object sortValue, UUID id) {
    String raw =
        request.order()
            + "\n"
            + (request.descending() ? "desc" : "asc")
            + "\n"
            + id
            + "\n"
            + sortValue;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static Decoded decode(Request request, Field<Object> key) {
    try {
      String raw =
          new String(Base64.getUrlDecoder().decode(request.cursor()), StandardCharsets.UTF_8);
      String[] parts = raw.split("\n", 4);
      if (parts.length != 4
          || !parts[0].equals(request.order())
          || !parts[1].equals(request.descending() ? "desc" : "asc")) {
        throw new InvalidQuery("cursor", "belongs to another sort order");
      }
      Object value =
          OffsetDateTime.class.equals(key.getType()) ? OffsetDateTime.parse(parts[3]) : parts[3];
      return new Decoded(value, UUID.fromString(parts[2]));
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw new InvalidQuery("cursor", "is not a cursor this API issued");
    }
  }
}
