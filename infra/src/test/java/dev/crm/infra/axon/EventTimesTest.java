package dev.crm.infra.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

/** Event times read by ITU come out as Axon's and jsr310's parsers read them. */
class EventTimesTest {
  private static final List<String> TEXTS =
      List.of(
          "2026-12-07T10:30:36.733Z", // Axon's stored timestamps
          "2026-12-07T10:05:27.997430948Z", // payload times, nanoseconds
          "2026-12-07T10:05:27Z",
          "2026-12-07T10:05:27.5Z",
          "2026-12-07T11:05:27.123+01:00",
          "2026-12-06T23:59:59.999-05:30",
          "1970-01-01T00:00:00Z",
          "2026-12-07T10:05Z"); // no seconds: not RFC 3339, read by the formatter it replaces

  record Event(Instant at) {}

  @Test
  void storedTimesParseAsAxonParsesThem() {
    for (String text : TEXTS) {
      assertThat(EventTimes.parse(text)).as(text).isEqualTo(DateTimeUtils.parseInstant(text));
    }
    assertThatThrownBy(() -> EventTimes.parse("yesterday")).isInstanceOf(DateTimeException.class);
  }

  @Test
  void payloadInstantsReadAsJsr310ReadsThem() throws Exception {
    ObjectMapper plain = new ObjectMapper().registerModule(new JavaTimeModule());
    ObjectMapper fast =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(EventTimes.jacksonModule());
    for (String text : TEXTS) {
      String json = "{\"at\":\"" + text + "\"}";
      assertThat(read(fast, json)).as(json).isEqualTo(read(plain, json));
    }
    // Numbers (epoch seconds with nanos) and nulls still go through jsr310.
    for (String json : List.of("{\"at\":1796639699.060935231}", "{\"at\":null}", "{}")) {
      assertThat(read(fast, json)).as(json).isEqualTo(read(plain, json));
    }
    Event parsed = fast.readValue("{\"at\":\"2026-12-07T10:05:27.997430948Z\"}", Event.class);
    assertThat(parsed.at().getNano()).isEqualTo(997_430_948);
    assertThatThrownBy(() -> fast.readValue("{\"at\":\"soon\"}", Event.class))
        .hasMessageContaining("soon");
  }

  /** The event read, or the kind of failure: both mappers must agree on either. */
  private static Object read(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, Event.class);
    } catch (Exception e) {
      return e.getClass();
    }
  }
}
