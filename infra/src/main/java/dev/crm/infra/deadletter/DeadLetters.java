package dev.crm.infra.deadletter;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.crm.infra.axon.MetaDataKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcDeadLetter;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The dead letters of every processor that has a dead-letter queue: listed, retried (the letter's
 * whole sequence, in order, by Axon's dead-letter processor; a letter that fails again stays, with
 * its new cause) and discarded.
 */
@Component
public class DeadLetters {
  private final EventProcessingConfiguration processing;
  private final DSLContext db;

  public DeadLetters(EventProcessingConfiguration processing, DSLContext db) {
    this.processing = processing;
    this.db = db;
  }

  /** One parked event. */
  public record Letter(
      String id,
      String processor,
      String sequence,
      long index,
      String eventId,
      String eventType,
      String aggregateType,
      String aggregateId,
      Long aggregateSequence,
      String tenantId,
      Instant eventTime,
      String causeType,
      String causeMessage,
      Instant enqueuedAt,
      Instant lastTouched) {}

  /** What a retry did: whether the whole sequence went through, and how many letters remain. */
  public record Retry(boolean succeeded, long remaining) {}

  /** The processors with a dead-letter queue, and how many letters each holds. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    for (String name : processing.eventProcessors().keySet()) {
      processing.deadLetterQueue(name).ifPresent(q -> counts.put(name, q.size()));
    }
    return counts;
  }

  public boolean hasQueue(String processor) {
    return processing.deadLetterQueue(processor).isPresent();
  }

  /** The first {@code limit} letters of a processor, sequence by sequence, in order. */
  public List<Letter> list(String processor, int limit) {
    List<Letter> letters = new ArrayList<>();
    for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence :
        queue(processor).deadLetters()) {
      for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
        if (letters.size() >= limit) {
          return letters;
        }
        letters.add(view(processor, (JdbcDeadLetter<? extends EventMessage<?>>) letter));
      }
    }
    return letters;
  }

  public Optional<Letter> find(String processor, String id) {
    return letter(processor, id).map(l -> view(processor, l));
  }

  /**
   * Handles the letter's sequence again, from its first letter: each that goes through is removed;
   * the first that fails again stays, with the rest behind it. Empty if there is no such letter.
   */
  public Optional<Retry> retry(String processor, String id) {
    Optional<JdbcDeadLetter<? extends EventMessage<?>>> letter = letter(processor, id);
    if (letter.isEmpty()) {
      return Optional.empty();
    }
    String sequence = letter.get().getSequenceIdentifier();
    boolean succeeded =
        deadLetterProcessor(processor)
            .process(l -> sequence.equals(((JdbcDeadLetter<?>) l).getSequenceIdentifier()));
    return Optional.of(new Retry(succeeded, queue(processor).size()));
  }

  /** Retries every sequence once; answers how many went through. */
  public int retryAll(String processor) {
    int sequences = (int) queue(processor).amountOfSequences();
    int succeeded = 0;
    for (int i = 0; i < sequences; i++) {
      if (deadLetterProcessor(processor).processAny()) {
        succeeded++;
      }
    }
    return succeeded;
  }

  /** Drops one letter for good (the events behind it stay parked); false if there is none. */
  public boolean discard(String processor, String id) {
    Optional<JdbcDeadLetter<? extends EventMessage<?>>> letter = letter(processor, id);
    letter.ifPresent(l -> queue(processor).evict(l));
    return letter.isPresent();
  }

  /** A letter by id: its sequence is looked up in the table, and only that sequence is read. */
  private Optional<JdbcDeadLetter<? extends EventMessage<?>>> letter(String processor, String id) {
    String sequence =
        db.select(field(name("sequenceidentifier"), String.class))
            .from(table(name("deadletterentry")))
            .where(
                field(name("deadletteridentifier"), String.class).eq(id),
                field(name("processinggroup"), String.class).eq(processor))
            .fetchOne(0, String.class);
    if (sequence == null) {
      return Optional.empty();
    }
    for (DeadLetter<? extends EventMessage<?>> letter :
        queue(processor).deadLetterSequence(sequence)) {
      if (letter instanceof JdbcDeadLetter<? extends EventMessage<?>> jdbc
          && jdbc.getIdentifier().equals(id)) {
        return Optional.of(jdbc);
      }
    }
    return Optional.empty();
  }

  private SequencedDeadLetterQueue<EventMessage<?>> queue(String processor) {
    return processing
        .deadLetterQueue(processor)
        .orElseThrow(() -> new IllegalArgumentException("no dead-letter queue: " + processor));
  }

  private SequencedDeadLetterProcessor<EventMessage<?>> deadLetterProcessor(String processor) {
    return processing
        .sequencedDeadLetterProcessor(processor)
        .orElseThrow(() -> new IllegalArgumentException("no dead-letter processor: " + processor));
  }

  private static Letter view(String processor, JdbcDeadLetter<? extends EventMessage<?>> letter) {
    EventMessage<?> event = letter.message();
    DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d ? d : null;
    Object tenant = event.getMetaData().get(MetaDataKeys.TENANT_ID);
    return new Letter(
        letter.getIdentifier(),
        processor,
        letter.getSequenceIdentifier(),
        letter.getSequenceIndex(),
        event.getIdentifier(),
        event.getPayloadType().getSimpleName(),
        domain == null ? null : domain.getType(),
        domain == null ? null : domain.getAggregateIdentifier(),
        domain == null ? null : domain.getSequenceNumber(),
        tenant == null ? null : tenant.toString(),
        event.getTimestamp(),
        letter.cause().map(c -> c.type()).orElse(null),
        letter.cause().map(c -> c.message()).orElse(null),
        letter.enqueuedAt(),
        letter.lastTouched());
  }
}
