package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import dev.crm.infra.deadletter.DeadLetterPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.axonframework.serialization.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Which failures park an event and which only fail the batch for a retry: an outage must never set
 * events aside (they would be missing from the read model until someone retried them by hand), and
 * a refused row must never stop the processor for everyone else.
 */
class DeadLetterPolicyTest {
  private final DeadLetterPolicy policy = new DeadLetterPolicy();
  private final GenericDeadLetter<EventMessage<?>> letter =
      new GenericDeadLetter<>("contact-1", GenericEventMessage.asEventMessage("event"));

  @Test
  void passingFailuresFailTheBatchInsteadOfParkingTheEvent() {
    var deadlock =
        new PessimisticLockingFailureException(
            "deadlock", new SQLException("deadlock detected", "40P01"));
    var connectionLost = new RuntimeException(new SQLException("connection reset", "08006"));
    var statementTimeout =
        new SQLException("canceling statement due to statement timeout", "57014");
    var elasticsearchDown = new RuntimeException(new ConnectException("Connection refused"));
    for (Exception failure :
        new Exception[] {deadlock, connectionLost, statementTimeout, elasticsearchDown}) {
      assertThat(DeadLetterPolicy.isTransient(failure)).as(failure.toString()).isTrue();
      assertThatThrownBy(() -> policy.decide(letter, failure))
          .as(failure.toString())
          .isInstanceOf(DeadLetterPolicy.RetryLater.class)
          .hasCause(failure);
    }
  }

  @Test
  void failuresThatWouldRepeatParkTheEvent() {
    var refusedRow =
        new DataIntegrityViolationException(
            "check", new SQLException("violates check constraint \"x\"", "23514"));
    var badValue = new RuntimeException(new SQLException("invalid input syntax", "22P02"));
    var bug = new IllegalStateException("no such stage");
    var unreadable =
        new SerializationException(
            "Error while deserializing object",
            new JsonParseException(null, "Unexpected character ('}' (code 125))"));
    for (Exception failure : new Exception[] {refusedRow, badValue, bug, unreadable}) {
      assertThat(DeadLetterPolicy.isTransient(failure)).as(failure.toString()).isFalse();
      var decision = policy.decide(letter, failure);
      assertThat(decision.shouldEnqueue()).as(failure.toString()).isTrue();
      assertThat(decision.enqueueCause()).isPresent();
    }
    assertThat(DeadLetterPolicy.isTransient(new IOException("broken pipe"))).isTrue();
  }

  @Test
  void aLetterSaysWhatTheDatabaseRefusedAndFitsItsTable() {
    // jOOQ's message starts with the whole statement: a row of 24 columns is over 1,023
    // characters before PostgreSQL's words, which name the constraint.
    var refused =
        new DataIntegrityViolationException(
            "jOOQ; SQL [insert into contact (" + "a_column, ".repeat(200) + ")]",
            new SQLException(
                "ERROR: new row for relation \"contact_p14\" violates check constraint \"poison\"",
                "23514"));
    var cause = policy.decide(letter, refused).enqueueCause().orElseThrow();
    var recorded = org.axonframework.messaging.deadletter.ThrowableCause.asCause(cause);
    assertThat(recorded.type()).isEqualTo(DataIntegrityViolationException.class.getName());
    assertThat(recorded.message()).startsWith("ERROR: new row").contains("\"poison\"");
    var bug = new IllegalStateException("x".repeat(5000));
    var tooLong =
        org.axonframework.messaging.deadletter.ThrowableCause.asCause(
            policy.decide(letter, bug).enqueueCause().orElseThrow());
    assertThat(tooLong.message()).hasSize(1023);
    assertThat(tooLong.type()).isEqualTo(IllegalStateException.class.getName());
  }
}
