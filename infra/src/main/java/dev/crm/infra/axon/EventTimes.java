package dev.crm.infra.axon;

import com.ethlo.time.ITU;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import org.axonframework.common.DateTimeUtils;

/**
 * Event times read back: the store's timestamp column and every {@code Instant} in a payload. Both
 * are RFC 3339 text ({@code 2026-12-07T10:30:36.733Z}), which ethlo's ITU parser reads without
 * java.time's general-purpose formatter; that formatter took an eighth of a table rebuild's CPU
 * (once per stored row, once per {@code at} in a payload). Text ITU does not take (no seconds, say)
 * goes to the parser it replaces, so what was read before is read the same.
 */
public final class EventTimes {
  private EventTimes() {}

  /** The instant of an ISO-8601 date-time with an offset, as Axon's own parser reads it. */
  public static Instant parse(String text) {
    try {
      return ITU.parseDateTime(text).toInstant();
    } catch (DateTimeException e) {
      return DateTimeUtils.parseInstant(text);
    }
  }

  /** Payload {@code Instant}s through {@link #parse}; numbers and the rest as jsr310 reads them. */
  static SimpleModule jacksonModule() {
    return new SimpleModule("crm-event-times").addDeserializer(Instant.class, new Deserializer());
  }

  private static final class Deserializer extends StdScalarDeserializer<Instant> {
    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        String text = p.getText().trim();
        if (!text.isEmpty()) {
          try {
            return ITU.parseDateTime(text).toInstant();
          } catch (DateTimeException e) {
            // not RFC 3339: jsr310's deserializer decides
          }
        }
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }
  }
}
