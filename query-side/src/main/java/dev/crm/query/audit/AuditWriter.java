package dev.crm.query.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
  private final LineBuffer line = new LineBuffer();
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
    byte[] content;
    int length;
    if (format == Format.JSONL) {
      jsonl(r);
      content = line.bytes();
      length = line.size();
    } else {
      content = csv(r);
      length = content.length;
    }
    sha256.update(prev.getBytes(StandardCharsets.US_ASCII));
    sha256.update(content, 0, length);
    String chain = HEX.formatHex(sha256.digest());
    out.write(content, 0, length);
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

  /**
   * The line up to {@code prev}, into {@link #line}: the fields in a fixed order, strings escaped
   * as JSON requires (quote, backslash, control characters; everything else as UTF-8), the payload
   * as the event store holds it, embedded byte for byte. Written by hand: a JSON generator per line
   * was most of an export's time.
   */
  private void jsonl(AuditRecord r) {
    line.reset();
    line.ascii("{\"position\":").ascii(Long.toString(r.position()));
    line.ascii(",\"eventId\":").string(r.eventId());
    line.ascii(",\"time\":").string(r.time());
    line.ascii(",\"tenantId\":").string(r.tenantId());
    line.ascii(",\"actorId\":").string(r.actorId());
    line.ascii(",\"requestId\":").string(r.requestId());
    line.ascii(",\"correlationId\":").string(r.correlationId());
    line.ascii(",\"causationId\":").string(r.causationId());
    line.ascii(",\"aggregateType\":").string(r.aggregateType());
    line.ascii(",\"aggregateId\":").string(r.aggregateId());
    line.ascii(",\"sequence\":").ascii(Long.toString(r.sequence()));
    line.ascii(",\"eventType\":").string(r.eventType());
    line.ascii(",\"payload\":");
    line.write(r.payload(), 0, r.payload().length);
  }

  /**
   * A line being built: its bytes are hashed and written where they lie, not copied out. Not a
   * {@code ByteArrayOutputStream}, whose every {@code write} takes a lock.
   */
  private static final class LineBuffer {
    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[2048];
    private int size;

    byte[] bytes() {
      return buf;
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    private void room(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void write(byte[] bytes, int offset, int length) {
      room(length);
      System.arraycopy(bytes, offset, buf, size, length);
      size += length;
    }

    LineBuffer ascii(String text) {
      int n = text.length();
      room(n);
      for (int i = 0; i < n; i++) {
        buf[size++] = (byte) text.charAt(i);
      }
      return this;
    }

    /**
     * A JSON string (or {@code null}): its UTF-8 bytes, with the quote, the backslash and control
     * characters escaped (bytes of multi-byte characters are all negative and pass as they are).
     */
    LineBuffer string(String value) {
      if (value == null) {
        return ascii("null");
      }
      // Ids, times and type names are printable ASCII with nothing to escape: copied as they are.
      int n = value.length();
      room(n + 2);
      int start = size;
      buf[size++] = '"';
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
          size = start;
          return escaped(value);
        }
        buf[size++] = (byte) c;
      }
      buf[size++] = '"';
      return this;
    }

    private LineBuffer escaped(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      // The most an escaped byte takes is six (backslash, u, four hex digits).
      room(utf8.length * 6 + 2);
      buf[size++] = '"';
      for (byte b : utf8) {
        if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
          escape(b);
        } else {
          buf[size++] = b;
        }
      }
      room(1);
      buf[size++] = '"';
      return this;
    }

    private void escape(byte b) {
      switch (b) {
        case '"' -> ascii("\\\"");
        case '\\' -> ascii("\\\\");
        case '\n' -> ascii("\\n");
        case '\r' -> ascii("\\r");
        case '\t' -> ascii("\\t");
        case '\b' -> ascii("\\b");
        case '\f' -> ascii("\\f");
        default -> {
          ascii("\\u00");
          room(2);
          buf[size++] = HEX_DIGITS[b >> 4];
          buf[size++] = HEX_DIGITS[b & 0xF];
        }
      }
    }
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
