package dev.crm.infra.axon;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.stereotype.Component;

/**
 * Positions in the event stream: the head, and how far each processor has committed. Both are read
 * from PostgreSQL, so every node sees every node's progress, whichever claims the segments. A
 * projection commits its token in the same transaction as its writes (or after its Elasticsearch
 * bulk succeeded), so a committed position means the read model holds that event.
 */
@Component
public class ReadModelPositions {
  private static final Table<?> EVENTS = table(name("domainevententry"));
  private static final Field<Long> GLOBAL_INDEX = field(name("globalindex"), Long.class);
  private static final Field<String> AGGREGATE_ID =
      field(name("aggregateidentifier"), String.class);
  private static final Table<?> TOKENS = TokenTable.TOKENS;
  private static final Field<String> PROCESSOR = TokenTable.PROCESSOR;
  private static final Field<Integer> SEGMENT = TokenTable.SEGMENT;
  private static final Field<byte[]> TOKEN = TokenTable.TOKEN;
  private static final Field<String> TOKEN_TYPE = TokenTable.TOKEN_TYPE;
  private static final Field<String> OWNER = TokenTable.OWNER;
  private static final Field<String> TIMESTAMP = TokenTable.TIMESTAMP;
  private static final Table<?> DEAD_LETTERS = table(name("deadletterentry"));
  private static final Field<String> DEAD_LETTER_GROUP =
      field(name("processinggroup"), String.class);

  private final DSLContext db;
  private final Serializer serializer;

  public ReadModelPositions(DSLContext db, Serializer serializer) {
    this.db = db;
    this.serializer = serializer;
  }

  /** The global index of the newest committed event; -1 for an empty store. */
  public long head() {
    Long head = db.select(max(GLOBAL_INDEX)).from(EVENTS).fetchOne(0, Long.class);
    return head == null ? -1 : head;
  }

  /**
   * The global index of an aggregate's newest event; -1 if it has none. A reader that waits for
   * this position sees the aggregate as the last command left it.
   */
  public long latestOf(String aggregateId) {
    Long latest =
        db.select(max(GLOBAL_INDEX))
            .from(EVENTS)
            .where(AGGREGATE_ID.eq(aggregateId))
            .fetchOne(0, Long.class);
    return latest == null ? -1 : latest;
  }

  /** The aggregate whose event has global index {@code position}, if there is one. */
  public String aggregateAt(long position) {
    return db.select(AGGREGATE_ID)
        .from(EVENTS)
        .where(GLOBAL_INDEX.eq(position))
        .fetchOne(AGGREGATE_ID);
  }

  /**
   * Whether {@code processor} has committed the event at {@code position}, whose sequence
   * identifier (its aggregate id, or what the processor's sequencing policy says) is {@code
   * sequenceId}. Only the segment that handles the event is asked: the others pass over events that
   * are not theirs without storing their token at once (Axon stores an idle segment's token when it
   * extends its claim, every few seconds), so they would make a reader wait for nothing.
   */
  public boolean reached(String processor, long position, Object sequenceId) {
    var rows =
        db.select(SEGMENT, TOKEN, TOKEN_TYPE).from(TOKENS).where(PROCESSOR.eq(processor)).fetch();
    int[] ids = rows.stream().mapToInt(r -> r.value1()).toArray();
    for (var row : rows) {
      if (Segment.computeSegment(row.value1(), ids).matches(sequenceId)) {
        return covers(deserialize(row.value2(), row.value3()), position);
      }
    }
    return false;
  }

  /**
   * The position up to which every segment of {@code processor} has committed; empty before its
   * first commit.
   */
  public OptionalLong committed(String processor) {
    long lowest = Long.MAX_VALUE;
    List<TrackingToken> tokens = tokens(processor);
    for (TrackingToken token : tokens) {
      TrackingToken current = token == null ? null : bound(token);
      OptionalLong position = current == null ? OptionalLong.empty() : current.position();
      if (position.isEmpty()) {
        return OptionalLong.empty();
      }
      lowest = Math.min(lowest, position.getAsLong());
    }
    return tokens.isEmpty() ? OptionalLong.empty() : OptionalLong.of(lowest);
  }

  /**
   * One segment's committed state: the node that holds its claim (null when unclaimed), the
   * position it committed (empty before its first), and whether it is replaying.
   */
  public record SegmentPosition(
      int segment, String owner, OptionalLong position, boolean replaying) {}

  /** Every segment of {@code processor} as the token store holds it, in segment order. */
  public List<SegmentPosition> segments(String processor) {
    return db.select(SEGMENT, OWNER, TOKEN, TOKEN_TYPE)
        .from(TOKENS)
        .where(PROCESSOR.eq(processor))
        .orderBy(SEGMENT)
        .fetch(
            r -> {
              TrackingToken token = deserialize(r.value3(), r.value4());
              TrackingToken current = token == null ? null : WrappedToken.unwrapLowerBound(token);
              OptionalLong position = current == null ? OptionalLong.empty() : current.position();
              return new SegmentPosition(r.value1(), r.value2(), position, replaying(token));
            });
  }

  /**
   * Whether a segment still has events to replay: its token is a replay token whose current
   * position has not reached where the processor stood at the reset. Axon keeps the replay token
   * until the first event past that point, which in a quiet store may be long after everything was
   * replayed; for progress, a segment that has caught up is done.
   */
  static boolean replaying(TrackingToken token) {
    if (!(token instanceof ReplayToken replay)) {
      return false;
    }
    TrackingToken atReset = replay.getTokenAtReset();
    TrackingToken current = WrappedToken.unwrapLowerBound(replay);
    OptionalLong end = atReset == null ? OptionalLong.empty() : atReset.position();
    OptionalLong at = current == null ? OptionalLong.empty() : current.position();
    return end.isPresent() && (at.isEmpty() || at.getAsLong() < end.getAsLong());
  }

  /**
   * When the first event after {@code position} was stored: how long the oldest event a processor
   * at that position has not handled has been waiting. Null when no event follows.
   */
  public Instant timeAfter(long position) {
    String time =
        db.select(TIMESTAMP)
            .from(EVENTS)
            .where(GLOBAL_INDEX.gt(position))
            .orderBy(GLOBAL_INDEX)
            .limit(1)
            .fetchOne(TIMESTAMP);
    return time == null ? null : Instant.parse(time);
  }

  /** How many events of {@code processingGroup} wait in the dead-letter queue. */
  public int deadLetters(String processingGroup) {
    return db.fetchCount(DEAD_LETTERS, DEAD_LETTER_GROUP.eq(processingGroup));
  }

  /**
   * A token covers a position when it is at or past it and the position is not one of its gaps (an
   * event of a transaction that had not committed when the processor passed by).
   */
  static boolean covers(TrackingToken token, long position) {
    TrackingToken current = token == null ? null : bound(token);
    if (current instanceof GapAwareTrackingToken gapAware) {
      return gapAware.getIndex() >= position && !gapAware.getGaps().contains(position);
    }
    return current != null && current.position().orElse(-1) >= position;
  }

  /**
   * The position a read model is known to hold: for a replay, where the processor stood when it was
   * reset (the table held everything up to there before the replay began, and a replay only
   * re-applies it); for any other wrapped token (a merge of two segments), the lower bound.
   */
  private static TrackingToken bound(TrackingToken token) {
    return token instanceof ReplayToken
        ? WrappedToken.unwrapUpperBound(token)
        : WrappedToken.unwrapLowerBound(token);
  }

  private List<TrackingToken> tokens(String processor) {
    return db.select(TOKEN, TOKEN_TYPE)
        .from(TOKENS)
        .where(PROCESSOR.eq(processor))
        .fetch(r -> deserialize(r.value1(), r.value2()));
  }

  private TrackingToken deserialize(byte[] token, String type) {
    if (token == null || type == null) {
      return null;
    }
    return serializer.deserialize(new SimpleSerializedObject<>(token, byte[].class, type, null));
  }
}
