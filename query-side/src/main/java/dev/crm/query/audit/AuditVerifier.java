package dev.crm.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Recomputes an export's hash chain ({@link AuditWriter}) line by line, in constant memory, and
 * names the first line that breaks it: altered (its chain value does not match its bytes), missing
 * or reordered records (its {@code prev} is not the chain value of the line before), positions out
 * of order, a manifest that disagrees with the records, or an export cut short (no manifest).
 */
public final class AuditVerifier {
  private static final HexFormat HEX = HexFormat.of();
  private static final int HASH = 64;
  // ,"prev":"<64>","chain":"<64>"}
  private static final int JSONL_TAIL = 9 + HASH + 11 + HASH + 2;
  // ,<64>,<64>
  private static final int CSV_TAIL = 1 + HASH + 1 + HASH;

  private AuditVerifier() {}

  /**
   * The outcome: when {@code valid}, the records and chain head the export holds; otherwise the
   * first bad line (1-based, as a text editor counts), its position if it could be read, and what
   * is wrong with it.
   */
  public record Result(
      boolean valid,
      String format,
      String tenantId,
      long records,
      Long firstPosition,
      Long lastPosition,
      String chainHead,
      Long line,
      Long position,
      String problem) {

    static Result bad(
        String format, String tenant, long records, long line, Long position, String problem) {
      return new Result(false, format, tenant, records, null, null, null, line, position, problem);
    }
  }

  /** Verifies an export read (already unzipped) from {@code in}. */
  public static Result verify(InputStream in) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String first = reader.readLine();
    long lineNo = 1;
    if (first == null) {
      return Result.bad(null, null, 0, 1, null, "the export is empty: it has no header line");
    }
    boolean csv = first.startsWith("# ");
    String format = csv ? "csv" : "jsonl";
    JsonNode header = parse(csv ? first.substring(2) : first);
    if (header == null
        || !header.path("export").isObject()
        || !AuditWriter.ALGORITHM.equals(header.path("export").path("algorithm").asText())) {
      return Result.bad(null, null, 0, 1, null, "the first line is not an audit export header");
    }
    JsonNode export = header.get("export");
    String tenant = export.path("tenantId").asText();
    String prev = AuditWriter.seed(tenant, export.path("after").asLong(-1));
    if (csv) {
      String columns = reader.readLine();
      lineNo++;
      if (!String.join(",", AuditWriter.COLUMNS).equals(columns)) {
        return Result.bad(format, tenant, 0, lineNo, null, "the column header row was changed");
      }
    }
    long count = 0;
    Long firstPosition = null;
    long lastPosition = Long.MIN_VALUE;
    String text;
    while ((text = reader.readLine()) != null) {
      lineNo++;
      String manifestText = csv ? (text.startsWith("# ") ? text.substring(2) : null) : text;
      if (manifestText != null && manifestText.startsWith("{\"manifest\":")) {
        JsonNode m = parse(manifestText);
        JsonNode manifest = m == null ? null : m.get("manifest");
        if (manifest == null) {
          return Result.bad(format, tenant, count, lineNo, null, "the manifest line is damaged");
        }
        if (manifest.path("count").asLong(-1) != count
            || !prev.equals(manifest.path("chainHead").asText())
            || !tenant.equals(manifest.path("tenantId").asText())
            || (count > 0
                && (manifest.path("firstPosition").asLong(-1) != firstPosition
                    || manifest.path("lastPosition").asLong(-1) != lastPosition))) {
          return Result.bad(
              format,
              tenant,
              count,
              lineNo,
              null,
              "the manifest does not match the records: records were added or removed at the end,"
                  + " or the manifest was altered");
        }
        String after = reader.readLine();
        if (after != null) {
          return Result.bad(format, tenant, count, lineNo + 1, null, "lines follow the manifest");
        }
        return new Result(
            true,
            format,
            tenant,
            count,
            firstPosition,
            count == 0 ? null : lastPosition,
            prev,
            null,
            null,
            null);
      }
      int tail = csv ? CSV_TAIL : JSONL_TAIL;
      Long position = position(text, csv);
      if (text.length() <= tail || !tailShaped(text, csv)) {
        return Result.bad(
            format, tenant, count, lineNo, position, "the record's chain fields are damaged");
      }
      String contentText = text.substring(0, text.length() - tail);
      int prevAt = text.length() - tail + (csv ? 1 : 9);
      String linePrev = text.substring(prevAt, prevAt + HASH);
      String lineChain =
          text.substring(text.length() - HASH - (csv ? 0 : 2), text.length() - (csv ? 0 : 2));
      // The line's chain value over its own prev and bytes: a line that matches it is intact, and
      // if its prev is not the chain so far, the lines around it are what changed.
      sha256.update(linePrev.getBytes(StandardCharsets.US_ASCII));
      String chain = HEX.formatHex(sha256.digest(contentText.getBytes(StandardCharsets.UTF_8)));
      if (!chain.equals(lineChain)) {
        return Result.bad(format, tenant, count, lineNo, position, "the record was altered");
      }
      if (!linePrev.equals(prev)) {
        return Result.bad(
            format,
            tenant,
            count,
            lineNo,
            position,
            "the record before it is missing, or records were reordered");
      }
      if (position == null || position <= lastPosition) {
        return Result.bad(
            format, tenant, count, lineNo, position, "the record's position is out of order");
      }
      if (firstPosition == null) {
        firstPosition = position;
      }
      lastPosition = position;
      prev = chain;
      count++;
    }
    return Result.bad(
        format,
        tenant,
        count,
        lineNo + 1,
        null,
        "the export was cut short: it ends without its manifest");
  }

  private static boolean tailShaped(String text, boolean csv) {
    int n = text.length();
    if (csv) {
      return text.charAt(n - CSV_TAIL) == ',' && text.charAt(n - HASH - 1) == ',';
    }
    return text.startsWith(",\"prev\":\"", n - JSONL_TAIL)
        && text.startsWith("\",\"chain\":\"", n - HASH - 2 - 11)
        && text.endsWith("\"}");
  }

  /** The event-store position a record line starts with; null if it cannot be read. */
  private static Long position(String text, boolean csv) {
    int start = csv ? 0 : "{\"position\":".length();
    if (!csv && !text.startsWith("{\"position\":")) {
      return null;
    }
    int end = start;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    if (end == start || end - start > 18) {
      return null;
    }
    return Long.parseLong(text, start, end, 10);
  }

  private static JsonNode parse(String json) {
    try {
      return AuditWriter.MAPPER.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }
}
