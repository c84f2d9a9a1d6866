package dev.crm.infra.axon;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.MessageCountingMonitor;
import org.axonframework.micrometer.MessageTimerMonitor;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryMessage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Axon's message metrics without its capacity monitors. Axon's {@code CapacityMonitor} keeps every
 * message of the last ten minutes in a skip list to compute one gauge: at bulk-import rates (the
 * command bus and three processors, ~12K messages a second) that is millions of entries, and a
 * 2M-row import with a 256 MB heap spent its time in full GCs. Timers, counters and the processor
 * latency gauge ({@code eventProcessor_latency}) stay as Axon names them.
 */
@Configuration(proxyBeanMethods = false)
public class AxonMetricsConfiguration {

  @Bean
  public GlobalMetricRegistry globalMetricRegistry(MeterRegistry meterRegistry) {
    return new WithoutCapacityMonitors(meterRegistry);
  }

  static final class WithoutCapacityMonitors extends GlobalMetricRegistry {
    WithoutCapacityMonitors(MeterRegistry registry) {
      super(registry);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(
        String name,
        Function<Message<?>, Iterable<Tag>> tags,
        Function<Message<?>, Iterable<Tag>> latencyTags) {
      return new MultiMessageMonitor<>(
          List.of(
              MessageTimerMonitor.buildMonitor(name, getRegistry(), tags),
              EventProcessorLatencyMonitor.builder()
                  .meterNamePrefix(name)
                  .meterRegistry(getRegistry())
                  .tagsBuilder(latencyTags)
                  .build(),
              MessageCountingMonitor.buildMonitor(name, getRegistry(), tags)));
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(
        String name, Function<Message<?>, Iterable<Tag>> tags) {
      return timerAndCounter(name, tags);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventBus(
        String name, Function<Message<?>, Iterable<Tag>> tags) {
      return timerAndCounter(name, tags);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(
        String name, Function<Message<?>, Iterable<Tag>> tags) {
      return timerAndCounter(name, tags);
    }

    private MessageMonitor<Message<?>> timerAndCounter(
        String name, Function<Message<?>, Iterable<Tag>> tags) {
      return new MultiMessageMonitor<>(
          MessageTimerMonitor.buildMonitor(name, getRegistry(), tags),
          MessageCountingMonitor.buildMonitor(name, getRegistry(), tags));
    }
  }
}
