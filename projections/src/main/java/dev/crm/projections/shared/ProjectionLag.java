package dev.crm.projections.shared;

import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.projections.search.SearchProjection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * How many events each projection is behind the head of the event stream, as the gauge {@code
 * crm_projection_lag_events{processor=…}}. Positions are read from the token store, so the figure
 * covers every node's segments. Axon's {@code eventProcessor_latency} gives the same lag in time.
 */
@Component
public class ProjectionLag {
  private final ReadModelPositions positions;
  private final Map<String, AtomicLong> lag = new LinkedHashMap<>();

  public ProjectionLag(ReadModelPositions positions, MeterRegistry meters) {
    this.positions = positions;
    List<String> groups =
        Stream.concat(ProjectionProcessors.SQL_GROUPS.stream(), Stream.of(SearchProjection.GROUP))
            .toList();
    for (String group : groups) {
      AtomicLong value = new AtomicLong();
      lag.put(group, value);
      Gauge.builder("crm.projection.lag.events", value, AtomicLong::get)
          .description("Events between the head of the event store and the projection's position")
          .tag("processor", group)
          .register(meters);
    }
  }

  @Scheduled(fixedDelayString = "${crm.projections.lag-interval:PT2S}")
  void refresh() {
    long head = positions.head();
    lag.forEach(
        (group, value) -> {
          OptionalLong committed = positions.committed(group);
          value.set(Math.max(0, head - committed.orElse(-1)));
        });
  }
}
