package dev.crm.query.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
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

  // A JSONL line's fixed parts, as bytes.
  private static final byte[] POSITION = ascii("{\"position\":");
  private static final byte[] EVENT_ID = ascii(",\"eventId\":");
  private static final byte[] TIME = ascii(",\"time\":");
  private static final byte[] TENANT_ID = ascii(",\"tenantId\":");
  private static final byte[] ACTOR_ID = ascii(",\"actorId\":");
  private static final byte[] REQUEST_ID = ascii(",\"requestId\":");
  private static final byte[] CORRELATION_ID = ascii(",\"correlationId\":");
  private static final byte[] CAUSATION_ID = ascii(",\"causationId\":");
  private static final byte[] AGGREGATE_TYPE = ascii(",\"aggregateType\":");
  private static final byte[] AGGREGATE_ID = ascii(",\"aggregateId\":");
  private static final byte[] SEQUENCE = ascii(",\"sequence\":");
  private static final byte[] EVENT_TYPE = ascii(",\"eventType\":");
  private static final byte[] PAYLOAD = ascii(",\"payload\":");
  private static final byte[] PREV_JSON = ascii(",\"prev\":\"");
  private static final byte[] CHAIN_JSON = ascii("\",\"chain\":\"");
  private static final byte[] END_JSON = ascii("\"}\n");

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
  private final byte[] digest = new byte[32];
  private long count;
  private Long first;
  private Long last;

  /** The chain value of the line before, as its 64 hex digits (ASCII). */
  private byte[] prev;

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
    this.prev = state.chainHead().getBytes(StandardCharsets.US_ASCII);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public State state() {
    return new State(count, first, last, new String(prev, StandardCharsets.US_ASCII));
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
    line.reset();
    if (format == Format.JSONL) {
      jsonl(r);
    } else {
      line.write(csv(r));
    }
    int content = line.size();
    sha256.update(prev);
    sha256.update(line.bytes(), 0, content);
    try {
      sha256.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    if (format == Format.JSONL) {
      line.write(PREV_JSON).write(prev).write(CHAIN_JSON);
      prev = line.hex(digest);
      line.write(END_JSON);
    } else {
      line.comma().write(prev).comma();
      prev = line.hex(digest);
      line.newline();
    }
    out.write(line.bytes(), 0, line.size());
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
    manifest.put("chainHead", new String(prev, StandardCharsets.US_ASCII));
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
    line.write(POSITION).number(r.position());
    line.write(EVENT_ID).string(r.eventId());
    line.write(TIME).string(r.time());
    line.write(TENANT_ID).string(r.tenantId());
    line.write(ACTOR_ID).string(r.actorId());
    line.write(REQUEST_ID).string(r.requestId());
    line.write(CORRELATION_ID).string(r.correlationId());
    line.write(CAUSATION_ID).string(r.causationId());
    line.write(AGGREGATE_TYPE).string(r.aggregateType());
    line.write(AGGREGATE_ID).string(r.aggregateId());
    line.write(SEQUENCE).number(r.sequence());
    line.write(EVENT_TYPE).string(r.eventType());
    line.write(PAYLOAD).write(r.payload());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A line being built: its bytes are hashed and written where they lie, not copied out. Not a
   * {@code ByteArrayOutputStream}, whose every {@code write} takes a lock.
   */
  private static final class LineBuffer {
    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = ascii("null");

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

    LineBuffer write(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
      return this;
    }

    LineBuffer comma() {
      room(1);
      buf[size++] = ',';
      return this;
    }

    void newline() {
      room(1);
      buf[size++] = '\n';
    }

    /** A non-negative number's decimal digits. */
    LineBuffer number(long value) {
      room(20);
      int digits = 1;
      for (long v = value; v >= 10; v /= 10) {
        digits++;
      }
      for (int i = size + digits - 1; i >= size; i--) {
        buf[i] = (byte) ('0' + value % 10);
        value /= 10;
      }
      size += digits;
      return this;
    }

    /** {@code bytes} as lower-case hex digits; returns them as a copy too. */
    byte[] hex(byte[] bytes) {
      byte[] hex = new byte[bytes.length * 2];
      for (int i = 0; i < bytes.length; i++) {
        hex[2 * i] = HEX_LOWER[(bytes[i] >> 4) & 0xF];
        hex[2 * i + 1] = HEX_LOWER[bytes[i] & 0xF];
      }
      write(hex);
      return hex;
    }

    /**
     * A JSON string (or {@code null}) from its UTF-8 bytes, with the quote, the backslash and
     * control characters escaped (bytes of multi-byte characters are all negative and pass as they
     * are).
     */
    LineBuffer string(byte[] utf8) {
      if (utf8 == null) {
        return write(NULL);
      }
      for (byte b : utf8) {
        if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
          return escaped(utf8);
        }
      }
      // Ids, times and type names have nothing to escape: copied as they are.
      room(utf8.length + 2);
      buf[size++] = '"';
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
      buf[size++] = '"';
      return this;
    }

    private LineBuffer escaped(byte[] utf8) {
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
      buf[size++] = '"';
      return this;
    }

    private void escape(byte b) {
      switch (b) {
        case '"' -> write(ascii("\\\""));
        case '\\' -> write(ascii("\\\\"));
        case '\n' -> write(ascii("\\n"));
        case '\r' -> write(ascii("\\r"));
        case '\t' -> write(ascii("\\t"));
        case '\b' -> write(ascii("\\b"));
        case '\f' -> write(ascii("\\f"));
        default -> {
          write(ascii("\\u00"));
          buf[size++] = HEX_UPPER[b >> 4];
          buf[size++] = HEX_UPPER[b & 0xF];
        }
      }
    }
  }

  private byte[] csv(AuditRecord r) throws IOException {
    csv.setLength(0);
    Object[] values = {
      r.position(),
      text(r.eventId()),
      text(r.time()),
      text(r.tenantId()),
      text(r.actorId()),
      text(r.requestId()),
      text(r.correlationId()),
      text(r.causationId()),
      text(r.aggregateType()),
      text(r.aggregateId()),
      r.sequence(),
      text(r.eventType()),
      text(r.payload())
    };
    for (int i = 0; i < values.length; i++) {
      CSV.print(values[i], csv, i == 0);
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] utf8) {
    return utf8 == null ? "" : new String(utf8, StandardCharsets.UTF_8);
  }
}
