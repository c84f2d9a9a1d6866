package dev.crm.projections.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The times a rebuild writes with {@code COPY} are the times the rows hold: the text built digit by
 * digit reads back as the same instant and offset, whatever the fraction of a second or the offset.
 */
class CsvCopyTest {

  @Test
  void timesReadBackAsTheSameInstant() {
    List<OffsetDateTime> times =
        List.of(
            OffsetDateTime.of(2026, 12, 5, 1, 2, 3, 456_789_123, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 1_000, ZoneOffset.ofHoursMinutes(5, 30)),
            OffsetDateTime.of(2030, 6, 15, 12, 0, 0, 120_000_000, ZoneOffset.ofHours(-3)),
            OffsetDateTime.of(2024, 2, 29, 8, 9, 10, 7, ZoneOffset.ofHoursMinutesSeconds(1, 2, 3)),
            OffsetDateTime.of(12_345, 3, 4, 5, 6, 7, 0, ZoneOffset.UTC));
    for (OffsetDateTime t : times) {
      CsvCopy.Csv csv = new CsvCopy.Csv(8);
      csv.time(t);
      String text = new String(csv.bytes, 0, csv.size, StandardCharsets.US_ASCII);
      assertThat(OffsetDateTime.parse(text)).as(text).isEqualTo(t);
    }
  }

  @Test
  void textIsQuotedAndOnlyAMissingValueIsEmpty() {
    CsvCopy.Csv csv = new CsvCopy.Csv(8);
    csv.quoted("say \"hi\", ünïcode");
    csv.comma();
    csv.quoted("");
    csv.comma();
    csv.plain("7b0e7c1e-1111-4a4a-9c9c-000000000001");
    csv.comma();
    csv.newline();
    assertThat(new String(csv.bytes, 0, csv.size, StandardCharsets.UTF_8))
        .isEqualTo("\"say \"\"hi\"\", ünïcode\",\"\",7b0e7c1e-1111-4a4a-9c9c-000000000001,\n");
  }
}
