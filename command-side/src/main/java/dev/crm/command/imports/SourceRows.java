package dev.crm.command.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams an import file one row at a time, in constant memory: each row is its cells by column
 * name, or the reason the line cannot be read (wrong column count, broken JSON).
 */
abstract class SourceRows implements Iterator<SourceRows.Row>, Closeable {

  /** A file line's cells, or {@code problem} when the line itself is unusable. */
  record Row(long line, Map<String, String> cells, String problem) {}

  static SourceRows open(ImportOptions.Format format, InputStream in) throws IOException {
    return switch (format) {
      case CSV -> new Csv(in);
      case JSONL -> new Jsonl(in);
    };
  }

  /** CSV with a header line; quoted cells may span lines, so rows report their first line. */
  private static final class Csv extends SourceRows {
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private long previousEnd = 1;

    Csv(InputStream in) throws IOException {
      parser =
          CSVFormat.RFC4180
              .builder()
              .setHeader()
              .setSkipHeaderRecord(true)
              .setIgnoreEmptyLines(true)
              .setAllowMissingColumnNames(false)
              .get()
              .parse(new InputStreamReader(in, StandardCharsets.UTF_8));
      header = parser.getHeaderNames();
      records = parser.iterator();
    }

    @Override
    public boolean hasNext() {
      return records.hasNext();
    }

    @Override
    public Row next() {
      // A record starts on the line after the previous record ended (the header is line 1);
      // quoted cells may span lines, so this is not the record number plus one. The parser
      // reads one record ahead, so the line count is taken after next(), not before.
      CSVRecord record = records.next();
      long line = previousEnd + 1;
      previousEnd = parser.getCurrentLineNumber();
      if (record.size() != header.size()) {
        return new Row(
            line, Map.of(), "has " + record.size() + " columns, the header has " + header.size());
      }
      Map<String, String> cells = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        cells.put(header.get(i), record.get(i));
      }
      return new Row(line, cells, null);
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  /** One JSON object per line; nested values other than arrays of scalars are refused. */
  private static final class Jsonl extends SourceRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedReader reader;
    private String pending;
    private long line;

    Jsonl(InputStream in) {
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public boolean hasNext() {
      try {
        while (pending == null) {
          String next = reader.readLine();
          if (next == null) {
            return false;
          }
          line++;
          if (!next.isBlank()) {
            pending = next;
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String text = pending;
      pending = null;
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (IOException e) {
        return new Row(line, Map.of(), "is not valid JSON");
      }
      if (!node.isObject()) {
        return new Row(line, Map.of(), "is not a JSON object");
      }
      Map<String, String> cells = new LinkedHashMap<>();
      for (var field : node.properties()) {
        String problem = flatten(field.getKey(), field.getValue(), cells);
        if (problem != null) {
          return new Row(line, Map.of(), problem);
        }
      }
      return new Row(line, cells, null);
    }

    /** Arrays become {@code ;}-lists as in CSV; an object under customFields spreads its keys. */
    private static String flatten(String key, JsonNode value, Map<String, String> cells) {
      if (value.isNull()) {
        return null;
      }
      if (value.isValueNode()) {
        cells.put(key, value.asText());
        return null;
      }
      if (value.isArray()) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode item : value) {
          if (!item.isValueNode()) {
            return "field '" + key + "' holds nested values";
          }
          joined.append(joined.isEmpty() ? "" : ";").append(item.asText());
        }
        cells.put(key, joined.toString());
        return null;
      }
      if (key.equals("customFields")) {
        for (var custom : value.properties()) {
          if (!custom.getValue().isValueNode()) {
            return "custom field '" + custom.getKey() + "' holds nested values";
          }
          cells.put(ImportOptions.CUSTOM_PREFIX + custom.getKey(), custom.getValue().asText());
        }
        return null;
      }
      return "field '" + key + "' holds nested values";
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
