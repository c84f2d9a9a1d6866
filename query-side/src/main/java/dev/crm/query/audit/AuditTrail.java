package dev.crm.query.audit;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.axonframework.common.DateTimeUtils;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Table;
import org.postgresql.PGStatement;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Reads a tenant's events from the event store for audit exports, in event-store order, a page at a
 * time: an export of millions of events holds two pages in memory (the one being written and the
 * next, read meanwhile on a virtual thread), never the whole result. A tenant's events are found
 * through the index on {@code crm_event_tenant(metadata)}, so other tenants' events are not read.
 */
@Component
public class AuditTrail implements DisposableBean {
  static final int PAGE = 2_000;
  private static final java.time.Duration SETTLE_TIMEOUT = java.time.Duration.ofSeconds(30);
  private static final JsonFactory JSON = new JsonFactory();
  private static final Table<?> EVENTS = table(name("domainevententry"));
  private static final Field<Long> POSITION = field(name("globalindex"), Long.class);
  private static final Field<String> EVENT_ID = field(name("eventidentifier"), String.class);
  private static final Field<String> TIME = field(name("timestamp"), String.class);
  private static final Field<String> AGGREGATE_TYPE = field(name("type"), String.class);
  private static final Field<String> AGGREGATE_ID =
      field(name("aggregateidentifier"), String.class);
  private static final Field<Long> SEQUENCE = field(name("sequencenumber"), Long.class);
  private static final Field<String> EVENT_TYPE = field(name("payloadtype"), String.class);
  private static final Field<byte[]> METADATA = field(name("metadata"), byte[].class);
  private static final Field<byte[]> PAYLOAD = field(name("payload"), byte[].class);
  private static final Field<String> TENANT =
      field("crm_event_tenant({0})", String.class, METADATA);

  private final DSLContext db;
  private final ExecutorService prefetch = Executors.newVirtualThreadPerTaskExecutor();

  public AuditTrail(DSLContext db) {
    this.db = db;
  }

  @Override
  public void destroy() {
    prefetch.shutdownNow();
  }

  /** Receives records in order; may throw to stop the export. */
  @FunctionalInterface
  public interface Sink {
    void accept(AuditRecord record) throws IOException;
  }

  /**
   * Where an export started now ends: the newest position in the event store, once every
   * transaction that was still writing when it was read has finished. Positions come from a
   * sequence before their transaction commits, so an event with a lower position can still be on
   * its way; an export that ended at the bare maximum would skip it for good (a resumed export
   * starts after its last position). Waits at most {@code settleTimeout}, normally milliseconds.
   */
  public long settledHead() {
    Record2<String, Long> now =
        db.select(
                field("pg_snapshot_xmax(pg_current_snapshot())::text", String.class), max(POSITION))
            .from(EVENTS)
            .fetchOne();
    long head = now.value2() == null ? -1 : now.value2();
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (!Boolean.TRUE.equals(
        db.select(
                field(
                    "pg_snapshot_xmin(pg_current_snapshot()) >= {0}::xid8",
                    Boolean.class, inline(now.value1())))
            .fetchOne(0, Boolean.class))) {
      if (System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return head;
  }

  /** How many events the filter matches up to {@code upTo}: the total a job's progress counts. */
  public long count(AuditFilter filter, long upTo) {
    return db.fetchCount(EVENTS, where(filter, filter.after(), upTo));
  }

  /** Hands every event the filter matches up to {@code upTo} to {@code sink}, in order. */
  public void stream(AuditFilter filter, long upTo, Sink sink) throws IOException {
    CompletableFuture<List<AuditRecord>> next = fetch(filter, filter.after(), upTo);
    while (true) {
      List<AuditRecord> page;
      try {
        page = next.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      if (page.isEmpty()) {
        return;
      }
      next =
          page.size() < PAGE
              ? CompletableFuture.completedFuture(List.of())
              : fetch(filter, page.getLast().position(), upTo);
      for (AuditRecord r : page) {
        sink.accept(r);
      }
    }
  }

  private CompletableFuture<List<AuditRecord>> fetch(AuditFilter filter, long after, long upTo) {
    return CompletableFuture.supplyAsync(() -> page(filter, after, upTo), prefetch);
  }

  /**
   * One page of events. jOOQ builds the query; its rows are read straight from JDBC, as bytes: an
   * export is millions of rows, and a jOOQ record per row, strings decoded from every text column
   * and the code behind them were a third of a profiled export's CPU, and much of the compiling the
   * JIT does during the first export after a start. The statement asks for binary rows from its
   * first run (by default the driver asks for them only once a statement has run five times on a
   * connection), so the payload and metadata arrive as they are stored, not as hex text.
   */
  private List<AuditRecord> page(AuditFilter filter, long after, long upTo) {
    var query =
        db.select(
                POSITION,
                EVENT_ID,
                TIME,
                AGGREGATE_TYPE,
                AGGREGATE_ID,
                SEQUENCE,
                EVENT_TYPE,
                METADATA,
                PAYLOAD)
            .from(EVENTS)
            .where(where(filter, after, upTo))
            .orderBy(POSITION)
            .limit(PAGE);
    String sql = query.getSQL();
    List<Object> binds = query.getBindValues();
    return db.connectionResult(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1); // -1: binary from the start
            for (int i = 0; i < binds.size(); i++) {
              ps.setObject(i + 1, binds.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              List<AuditRecord> page = new ArrayList<>(PAGE);
              while (rs.next()) {
                page.add(toRecord(rs));
              }
              return page;
            }
          }
        });
  }

  private static Condition where(AuditFilter f, long after, long upTo) {
    Condition c = TENANT.eq(f.tenantId()).and(POSITION.gt(after)).and(POSITION.le(upTo));
    // Axon stores times as fixed-width ISO-8601 text, so text order is time order.
    if (f.from() != null) {
      c = c.and(TIME.ge(DateTimeUtils.formatInstant(f.from())));
    }
    if (f.to() != null) {
      c = c.and(TIME.lt(DateTimeUtils.formatInstant(f.to())));
    }
    if (f.aggregateType() != null) {
      c = c.and(AGGREGATE_TYPE.eq(f.aggregateType()));
    }
    if (f.aggregateId() != null) {
      c = c.and(AGGREGATE_ID.eq(f.aggregateId()));
    }
    if (f.actorId() != null) {
      c =
          c.and(
              field("convert_from({0}, 'UTF8')::jsonb ->> 'actorId'", String.class, METADATA)
                  .eq(f.actorId()));
    }
    if (f.eventType() != null) {
      c =
          c.and(
              f.eventType().contains(".")
                  ? EVENT_TYPE.eq(f.eventType())
                  // A simple name matches a nested event class (Outer$Name) or a top-level one.
                  : EVENT_TYPE
                      .like("%$" + f.eventType())
                      .or(EVENT_TYPE.like("%." + f.eventType())));
    }
    return c;
  }

  /** A row of {@link #page}'s query; text columns come back as their UTF-8 bytes. */
  private static AuditRecord toRecord(ResultSet rs) throws SQLException {
    byte[][] meta = metadata(rs.getBytes(8));
    return new AuditRecord(
        rs.getLong(1),
        rs.getBytes(2),
        rs.getBytes(3),
        meta[0],
        meta[1],
        meta[2],
        meta[3],
        meta[4],
        rs.getBytes(4),
        rs.getBytes(5),
        rs.getLong(6),
        rs.getBytes(7),
        rs.getBytes(9));
  }

  /**
   * Tenant, actor, request, correlation and causation id from the metadata JSON, as UTF-8 bytes,
   * read with a streaming parser: no tree of it is built, and a value without escapes is copied out
   * of the JSON as it is (the parser skips over it without decoding it into a string). Axon's
   * {@code traceId} is the id of the message that caused the event, its causation id.
   */
  static byte[][] metadata(byte[] json) {
    byte[][] out = new byte[5][];
    if (json == null) {
      return out;
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return out;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        int slot =
            switch (key) {
              case "tenantId" -> 0;
              case "actorId" -> 1;
              case "requestId" -> 2;
              case "correlationId" -> 3;
              case "traceId" -> 4;
              default -> -1;
            };
        if (slot >= 0 && value == JsonToken.VALUE_STRING) {
          out[slot] = stringValue(p, json);
        } else if (value.isStructStart()) {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The current string token's value as UTF-8: its bytes as they lie, unless it has escapes. */
  private static byte[] stringValue(JsonParser p, byte[] json) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset() + 1; // after the opening quote
    int end = start;
    while (end < json.length && json[end] != '"') {
      if (json[end] == '\\') {
        return p.getText().getBytes(StandardCharsets.UTF_8);
      }
      end++;
    }
    return Arrays.copyOfRange(json, start, end);
  }
}
