package dev.nscope.metrics;

import dev.nscope.settings.NscopeProperties;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the snapshot's families on the Prometheus registry that {@code /actuator/prometheus} scrapes,
 * and replaces Boot's scrape endpoint by one that writes them faster in the text formats.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class MetricsConfiguration {

    /** The registry is an auto-configured bean, created after this configuration is read: ask for it lazily. */
    @Bean
    SnapshotCollector snapshotCollector(SnapshotStore store, ScanService service, ObjectProvider<PrometheusRegistry> registry,
                                        NscopeProperties properties) {
        SnapshotCollector c = new SnapshotCollector(store, service, properties.metrics().extraLabels());
        registry.ifAvailable(r -> r.register(c));
        store.onPublish(c::prepare);
        return c;
    }

    /** Boot's own endpoint bean backs off when this one is there ({@code @ConditionalOnMissingBean}). */
    @Bean
    NscopeScrapeEndpoint prometheusEndpoint(PrometheusRegistry registry, PrometheusConfig config, SnapshotCollector collector) {
        return new NscopeScrapeEndpoint(registry, config.prometheusProperties(), collector);
    }
}
