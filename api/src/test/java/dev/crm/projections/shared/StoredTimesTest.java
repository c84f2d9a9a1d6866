package dev.crm.projections.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

/**
 * An event time reaches PostgreSQL by three paths: bound in a single statement (the serving
 * processors' updates), bound in a JDBC batch (their inserts, a rebuild's activity updates), and as
 * {@code COPY} text (a rebuild's new rows). Each rounds nanoseconds its own way, so the rows of the
 * serving processors and of a rebuild differed by a microsecond wherever an event time ended in
 * exactly 500 ns; through {@link Times#utc} every path stores the same instant.
 */
class StoredTimesTest {
  private static final List<Instant> TIMES =
      List.of(
          Instant.parse("2026-12-07T16:50:36.382698500Z"),
          Instant.parse("2026-12-07T16:50:36.382697500Z"),
          Instant.parse("2026-12-07T16:50:36.382697499Z"),
          Instant.parse("2026-12-31T23:59:59.999999500Z"),
          Instant.parse("2026-12-05T01:02:03.456789123Z"),
          Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void timesAreRoundedHalfUpToTheMicrosecond() {
    assertThat(Times.utc(TIMES.get(0)).toInstant())
        .isEqualTo(Instant.parse("2026-12-07T16:50:36.382699Z"));
    assertThat(Times.utc(TIMES.get(1)).toInstant())
        .isEqualTo(Instant.parse("2026-12-07T16:50:36.382698Z"));
    assertThat(Times.utc(TIMES.get(2)).toInstant())
        .isEqualTo(Instant.parse("2026-12-07T16:50:36.382697Z"));
    assertThat(Times.utc(TIMES.get(3)).toInstant())
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(Times.utc(TIMES.get(5)).toInstant()).isEqualTo(TIMES.get(5));
  }

  @Test
  void everyPathStoresTheSameInstant() throws Exception {
    try (Connection c = TestDatabase.get().connect()) {
      DSLContext db = DSL.using(c, SQLDialect.POSTGRES);
      db.execute("create temporary table stored_times (path text, i int, t timestamptz)");
      Table<?> table = DSL.table(DSL.name("stored_times"));
      Field<String> path = DSL.field(DSL.name("path"), SQLDataType.VARCHAR);
      Field<Integer> index = DSL.field(DSL.name("i"), SQLDataType.INTEGER);
      Field<OffsetDateTime> time = DSL.field(DSL.name("t"), SQLDataType.TIMESTAMPWITHTIMEZONE);
      var batch =
          db.batch(
              db.insertInto(table, path, index, time)
                  .values((String) null, (Integer) null, (OffsetDateTime) null));
      for (int i = 0; i < TIMES.size(); i++) {
        OffsetDateTime t = Times.utc(TIMES.get(i));
        db.insertInto(table, path, index, time).values("single", i, t).execute();
        batch = batch.bind("batch", i, t);
        CsvCopy.Csv csv = new CsvCopy.Csv(8);
        csv.time(t);
        String text = new String(csv.bytes, 0, csv.size, StandardCharsets.US_ASCII);
        db.execute("insert into stored_times values ('copy text', ?, ?::timestamptz)", i, text);
      }
      batch.execute();
      Function<Integer, List<Instant>> stored =
          i ->
              db.selectDistinct(time).from(table).where(index.eq(i)).fetch(time).stream()
                  .map(OffsetDateTime::toInstant)
                  .toList();
      for (int i = 0; i < TIMES.size(); i++) {
        assertThat(db.fetchCount(table, index.eq(i))).isEqualTo(3);
        assertThat(stored.apply(i))
            .as("%s by every path", TIMES.get(i))
            .containsExactly(Times.utc(TIMES.get(i)).toInstant());
      }
    }
  }
}
