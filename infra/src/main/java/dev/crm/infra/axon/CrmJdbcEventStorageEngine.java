package dev.crm.infra.axon;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

/**
 * Axon's JDBC event storage engine, reading each stored event's time once and without java.time's
 * formatter. Axon's keeps the timestamp column's text and parses it with {@code
 * ISO_OFFSET_DATE_TIME} whenever the time is asked for, first right away for the gap check below: a
 * twelfth of a table rebuild's CPU went there. {@link #getTrackedEventData} is Axon 4.13's own, but
 * for the entry, which parses the text once ({@link EventTimes}) and answers that instant.
 */
final class CrmJdbcEventStorageEngine extends JdbcEventStorageEngine {
  /** Axon's defaults (and its default table names), set on the builder too, so both agree. */
  static final int MAX_GAP_OFFSET = 10_000;

  static final long LOWEST_GLOBAL_SEQUENCE = 1;
  static final int GAP_TIMEOUT_MILLIS = 60_000;

  private static final EventSchema SCHEMA = new EventSchema();

  CrmJdbcEventStorageEngine(Builder builder) {
    super(
        builder
            .schema(SCHEMA)
            .maxGapOffset(MAX_GAP_OFFSET)
            .lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE)
            .gapTimeout(GAP_TIMEOUT_MILLIS));
  }

  @Override
  protected TrackedEventData<?> getTrackedEventData(
      ResultSet resultSet, GapAwareTrackingToken previousToken) throws SQLException {
    long globalSequence = resultSet.getLong(SCHEMA.globalIndexColumn());
    String aggregateIdentifier = resultSet.getString(SCHEMA.aggregateIdentifierColumn());
    String eventIdentifier = resultSet.getString(SCHEMA.eventIdentifierColumn());
    Entry<?> domainEvent =
        new Entry<>(
            resultSet.getString(SCHEMA.typeColumn()),
            eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier,
            resultSet.getLong(SCHEMA.sequenceNumberColumn()),
            eventIdentifier,
            readTimeStamp(resultSet, SCHEMA.timestampColumn()).toString(),
            resultSet.getString(SCHEMA.payloadTypeColumn()),
            resultSet.getString(SCHEMA.payloadRevisionColumn()),
            readPayload(resultSet, SCHEMA.payloadColumn()),
            readPayload(resultSet, SCHEMA.metaDataColumn()));
    // Now that we have the event itself, we can calculate the token.
    boolean allowGaps =
        domainEvent
            .getTimestamp()
            .isAfter(Instant.now().minus(GAP_TIMEOUT_MILLIS, ChronoUnit.MILLIS));
    GapAwareTrackingToken token = previousToken;
    if (token == null) {
      token =
          GapAwareTrackingToken.newInstance(
              globalSequence,
              allowGaps
                  ? LongStream.range(
                          Math.min(LOWEST_GLOBAL_SEQUENCE, globalSequence), globalSequence)
                      .boxed()
                      .collect(Collectors.toCollection(TreeSet::new))
                  : Collections.emptySortedSet());
    } else {
      token = token.advanceTo(globalSequence, allowGaps ? MAX_GAP_OFFSET : 0);
    }
    return new TrackedDomainEventData<>(token, domainEvent);
  }

  /** A stored event whose time is parsed once, when it is read. */
  private static final class Entry<T> extends GenericDomainEventEntry<T> {
    private final Instant time;

    Entry(
        String type,
        String aggregateIdentifier,
        long sequenceNumber,
        String eventIdentifier,
        String timestamp,
        String payloadType,
        String payloadRevision,
        T payload,
        T metaData) {
      super(
          type,
          aggregateIdentifier,
          sequenceNumber,
          eventIdentifier,
          timestamp,
          payloadType,
          payloadRevision,
          payload,
          metaData);
      this.time = EventTimes.parse(timestamp);
    }

    @Override
    public Instant getTimestamp() {
      return time;
    }
  }
}
