package dev.crm.query.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes an audit export, one line per event, each line chained to the one before it: a line ends
 * with {@code prev}, the chain value of the line before (for the first, a seed made from the
 * algorithm, the tenant and the start position), and {@code chain} = SHA-256 of {@code prev}'s hex
 * text followed by the line's bytes up to where {@code prev} begins. A header line opens the export
 * and a manifest line (count, first and last position, the chain's head) closes it, so an altered,
 * dropped, reordered or cut-off line breaks the chain where it happened ({@link AuditVerifier}).
 *
 * <p>JSONL lines are JSON objects with the payload embedded as stored; CSV has a column header row,
 * the payload's JSON as one quoted column, and header and manifest as {@code #} comment lines. The
 * writer holds one line at a time: memory stays flat however long the export.
 */
public final class AuditWriter {
  public static final String ALGORITHM = "sha256-chain-v1";
  static final List<String> COLUMNS =
      List.of(
          "position",
          "eventId",
          "time",
          "tenantId",
          "actorId",
          "requestId",
          "correlationId",
          "causationId",
          "aggregateType",
          "aggregateId",
          "sequence",
          "eventType",
          "payload",
          "prev",
          "chain");
  private static final JsonFactory JSON =
      new JsonFactory()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
  private static final HexFormat HEX = HexFormat.of();

  /** The two export formats. */
  public enum Format {
    JSONL,
    CSV;

    public String extension() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where an export stands: enough to resume it after its last written line. */
  public record State(long count, Long firstPosition, Long lastPosition, String chainHead) {}

  private final Format format;
  private final AuditFilter filter;
  private final OutputStream out;
  private final MessageDigest sha256;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
  private final StringBuilder csv = new StringBuilder(1024);
  private long count;
  private Long first;
  private Long last;
  private String prev;

  /** A writer for a new export of {@code filter}; call {@link #header()} first. */
  public AuditWriter(Format format, AuditFilter filter, OutputStream out) {
    this(format, filter, out, new State(0, null, null, seed(filter.tenantId(), filter.after())));
  }

  /**
   * A writer that goes on with an export of {@code filter} (as it started) from {@code state}: its
   * lines continue the chain as if one writer had written them all.
   */
  public AuditWriter(Format format, AuditFilter filter, OutputStream out, State state) {
    this.format = format;
    this.filter = filter;
    this.out = out;
    this.count = state.count();
    this.first = state.firstPosition();
    this.last = state.lastPosition();
    this.prev = state.chainHead();
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public State state() {
    return new State(count, first, last, prev);
  }

  /** The chain's value before the first record of an export of {@code tenant} after a position. */
  static String seed(String tenantId, long after) {
    try {
      return HEX.formatHex(
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (ALGORITHM + "\n" + tenantId + "\n" + after).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The export's first line(s): what it is, whose, and from where; CSV adds its column names. */
  public void header() throws IOException {
    Map<String, Object> export = new LinkedHashMap<>();
    export.put("format", format.extension());
    export.put("algorithm", ALGORITHM);
    export.put("tenantId", filter.tenantId());
    export.put("after", filter.after());
    export.put("filters", filter.described());
    writeMeta("export", export);
    if (format == Format.CSV) {
      out.write((String.join(",", COLUMNS) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  public void write(AuditRecord r) throws IOException {
    byte[] content = format == Format.JSONL ? jsonl(r) : csv(r);
    sha256.update(prev.getBytes(StandardCharsets.US_ASCII));
    String chain = HEX.formatHex(sha256.digest(content));
    out.write(content);
    String tail =
        format == Format.JSONL
            ? ",\"prev\":\"" + prev + "\",\"chain\":\"" + chain + "\"}\n"
            : "," + prev + "," + chain + "\n";
    out.write(tail.getBytes(StandardCharsets.US_ASCII));
    prev = chain;
    count++;
    if (first == null) {
      first = r.position();
    }
    last = r.position();
  }

  /** The closing line: without it a verifier reports the export as cut short. */
  public void manifest() throws IOException {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("algorithm", ALGORITHM);
    manifest.put("tenantId", filter.tenantId());
    manifest.put("count", count);
    manifest.put("firstPosition", first);
    manifest.put("lastPosition", last);
    manifest.put("chainHead", prev);
    manifest.put("filters", filter.described());
    writeMeta("manifest", manifest);
  }

  private void writeMeta(String name, Map<String, Object> value) throws IOException {
    String json = MAPPER.writeValueAsString(Map.of(name, value));
    String text = format == Format.CSV ? "# " + json + "\n" : json + "\n";
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] jsonl(AuditRecord r) throws IOException {
    line.reset();
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeNumberField("position", r.position());
      g.writeStringField("eventId", r.eventId());
      g.writeStringField("time", r.time());
      g.writeStringField("tenantId", r.tenantId());
      g.writeStringField("actorId", r.actorId());
      g.writeStringField("requestId", r.requestId());
      g.writeStringField("correlationId", r.correlationId());
      g.writeStringField("causationId", r.causationId());
      g.writeStringField("aggregateType", r.aggregateType());
      g.writeStringField("aggregateId", r.aggregateId());
      g.writeNumberField("sequence", r.sequence());
      g.writeStringField("eventType", r.eventType());
      g.writeFieldName("payload");
      g.writeRaw(':');
      g.flush();
      // The payload is JSON as the event store holds it: embedded byte for byte, not re-encoded.
      line.write(r.payload());
    }
    return line.toByteArray();
  }

  private byte[] csv(AuditRecord r) throws IOException {
    csv.setLength(0);
    Object[] values = {
      r.position(),
      r.eventId(),
      r.time(),
      r.tenantId(),
      r.actorId(),
      r.requestId(),
      r.correlationId(),
      r.causationId(),
      r.aggregateType(),
      r.aggregateId(),
      r.sequence(),
      r.eventType(),
      new String(r.payload(), StandardCharsets.UTF_8)
    };
    for (int i = 0; i < values.length; i++) {
      CSV.print(values[i] == null ? "" : values[i], csv, i == 0);
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }
}
