package dev.crm.query.audit;

import static dev.crm.query.audit.AuditRecord.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The export's hash chain as an auditor checks it: an untouched export verifies, and one changed
 * byte, one dropped line, two swapped lines or a missing end are each reported at the line where
 * they happened. (The chain is pure computation; exports of real events are tested in the api
 * module against PostgreSQL.)
 */
class AuditChainTest {
  private static final String TENANT = "7b0e7c1e-1111-4a4a-9c9c-000000000001";

  private static byte[] export(AuditWriter.Format format, int records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditFilter filter = new AuditFilter(TENANT, null, null, null, null, null, null, -1);
    AuditWriter w = new AuditWriter(format, filter, out);
    w.header();
    for (int i = 0; i < records; i++) {
      w.write(record(i));
    }
    w.manifest();
    return out.toByteArray();
  }

  /** Record {@code i} of the test exports: positions 100, 103, …; text that CSV must quote. */
  private static AuditRecord record(int i) {
    String payload =
        "{\"contactId\":\"c" + i + "\",\"note\":\"comma, \\\"quote\\\" and ünïcode " + i + "\"}";
    return new AuditRecord(
        100 + i * 3,
        utf8("e" + i),
        utf8("2026-12-04T10:00:0" + (i % 10) + ".000Z"),
        utf8(TENANT),
        utf8("actor-" + (i % 2)),
        utf8("req-" + i),
        utf8("corr-" + i),
        utf8("cause-" + i),
        utf8("Contact"),
        utf8("c" + i),
        0,
        utf8("dev.crm.domain.contact.ContactEvent$ContactCreated"),
        payload.getBytes(StandardCharsets.UTF_8));
  }

  private static AuditVerifier.Result verify(byte[] bytes) throws IOException {
    return AuditVerifier.verify(new ByteArrayInputStream(bytes));
  }

  private static List<String> lines(byte[] bytes) {
    return new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")));
  }

  private static byte[] join(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The 1-based line number of the first record line (after header, and CSV's column names). */
  private static int firstRecordLine(AuditWriter.Format format) {
    return format == AuditWriter.Format.CSV ? 3 : 2;
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void anUntouchedExportVerifiesWithItsCountPositionsAndChainHead(AuditWriter.Format format)
      throws IOException {
    byte[] bytes = export(format, 10);
    AuditVerifier.Result r = verify(bytes);
    assertThat(r.valid()).as(r.problem()).isTrue();
    assertThat(r.format()).isEqualTo(format.extension());
    assertThat(r.tenantId()).isEqualTo(TENANT);
    assertThat(r.records()).isEqualTo(10);
    assertThat(r.firstPosition()).isEqualTo(100);
    assertThat(r.lastPosition()).isEqualTo(127);
    assertThat(r.chainHead()).hasSize(64);
    List<String> lines = lines(bytes);
    assertThat(lines.getLast()).contains("\"manifest\"").contains("\"count\":10");
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void oneChangedByteIsReportedAtItsRecord(AuditWriter.Format format) throws IOException {
    byte[] bytes = export(format, 10);
    List<String> lines = lines(bytes);
    int line = firstRecordLine(format) + 4; // the fifth record, position 112
    lines.set(line - 1, lines.get(line - 1).replace("actor-0", "actor-9"));
    AuditVerifier.Result r = verify(join(lines));
    assertThat(r.valid()).isFalse();
    assertThat(r.line()).isEqualTo(line);
    assertThat(r.position()).isEqualTo(112);
    assertThat(r.problem()).contains("altered");

    // A byte flipped anywhere in the file, not only in a field someone would edit.
    byte[] flipped = bytes.clone();
    String text = new String(bytes, StandardCharsets.UTF_8);
    int at = text.indexOf("ünïcode 7");
    flipped[text.substring(0, at).getBytes(StandardCharsets.UTF_8).length + 3] ^= 1;
    AuditVerifier.Result f = verify(flipped);
    assertThat(f.valid()).isFalse();
    assertThat(f.position()).isEqualTo(121);
    assertThat(f.problem()).contains("altered");
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void aDroppedLineIsReportedAtTheRecordAfterIt(AuditWriter.Format format) throws IOException {
    List<String> lines = lines(export(format, 10));
    int dropped = firstRecordLine(format) + 3; // position 109
    lines.remove(dropped - 1);
    AuditVerifier.Result r = verify(join(lines));
    assertThat(r.valid()).isFalse();
    assertThat(r.line()).isEqualTo(dropped);
    assertThat(r.position()).isEqualTo(112);
    assertThat(r.problem()).contains("missing");
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void swappedLinesAreReportedAtTheFirstOfThem(AuditWriter.Format format) throws IOException {
    List<String> lines = lines(export(format, 10));
    int a = firstRecordLine(format) + 5;
    String moved = lines.get(a - 1);
    lines.set(a - 1, lines.get(a));
    lines.set(a, moved);
    AuditVerifier.Result r = verify(join(lines));
    assertThat(r.valid()).isFalse();
    assertThat(r.line()).isEqualTo(a);
    assertThat(r.position()).isEqualTo(118);
    assertThat(r.problem()).contains("reordered");
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void anExportCutShortOrWithItsLastRecordsRemovedFails(AuditWriter.Format format)
      throws IOException {
    List<String> lines = lines(export(format, 10));
    List<String> cut = new ArrayList<>(lines.subList(0, lines.size() - 3));
    AuditVerifier.Result r = verify(join(cut));
    assertThat(r.valid()).isFalse();
    assertThat(r.problem()).contains("cut short");

    // The tail removed but the manifest kept: the manifest no longer matches.
    List<String> trimmed = new ArrayList<>(lines.subList(0, lines.size() - 3));
    trimmed.add(lines.getLast());
    AuditVerifier.Result m = verify(join(trimmed));
    assertThat(m.valid()).isFalse();
    assertThat(m.line()).isEqualTo(trimmed.size());
    assertThat(m.problem()).contains("manifest");
  }

  @ParameterizedTest
  @EnumSource(AuditWriter.Format.class)
  void anExportWrittenInTwoRunsVerifiesAsOne(AuditWriter.Format format) throws IOException {
    // A background job that died after 4 records resumes from its saved state.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditFilter filter = new AuditFilter(TENANT, null, null, null, null, null, null, -1);
    AuditWriter first = new AuditWriter(format, filter, out);
    first.header();
    byte[] whole = export(format, 10);
    List<String> lines = lines(whole);
    List<AuditRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(record(i));
    }
    for (AuditRecord r : records.subList(0, 4)) {
      first.write(r);
    }
    AuditWriter second = new AuditWriter(format, filter, out, first.state());
    for (AuditRecord r : records.subList(4, 10)) {
      second.write(r);
    }
    second.manifest();
    assertThat(out.toByteArray()).isEqualTo(whole);
    assertThat(verify(out.toByteArray()).valid()).isTrue();
    assertThat(lines).hasSizeGreaterThan(10);
  }

  /**
   * Fields with characters JSON must escape (quote, backslash, line break, a control character) and
   * non-ASCII text come back as they were, and the export still verifies.
   */
  @org.junit.jupiter.api.Test
  void jsonlLinesCarryEveryCharacterOfTheirFields() throws IOException {
    String awkward = "a \"quoted\" \\ back\nslash\t\u0001 ünïcode ✓ end";
    AuditRecord r =
        new AuditRecord(
            7,
            utf8("e7"),
            utf8("2026-12-04T10:00:00.000Z"),
            utf8(TENANT),
            utf8(awkward),
            utf8(null),
            utf8("corr"),
            utf8("cause"),
            utf8("Contact"),
            utf8("c7"),
            3,
            utf8("Type"),
            "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditWriter w =
        new AuditWriter(
            AuditWriter.Format.JSONL,
            new AuditFilter(TENANT, null, null, null, null, null, null, -1),
            out);
    w.header();
    w.write(r);
    w.manifest();
    var line = AuditWriter.MAPPER.readTree(lines(out.toByteArray()).get(1));
    assertThat(line.get("actorId").asText()).isEqualTo(awkward);
    assertThat(line.get("requestId").isNull()).isTrue();
    assertThat(line.get("sequence").asLong()).isEqualTo(3);
    assertThat(line.get("payload").get("x").asInt()).isEqualTo(1);
    assertThat(verify(out.toByteArray()).valid()).isTrue();
  }
}
