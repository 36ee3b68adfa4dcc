package dev.nscope.metrics;

import dev.nscope.events.EventRing;
import dev.nscope.events.ProcessEventSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts {@link EventMetrics} on the registry that {@code /actuator/prometheus} scrapes. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class EventMetricsConfiguration {

    @Bean
    EventMetrics eventMetrics(EventRing ring, ProcessEventSource source, ObjectProvider<PrometheusRegistry> registry) {
        EventMetrics m = new EventMetrics(ring, source);
        registry.ifAvailable(r -> r.register(m));
        return m;
    }
}
