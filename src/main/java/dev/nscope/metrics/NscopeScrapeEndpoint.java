package dev.nscope.metrics;

import org.jspecify.annotations.Nullable;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

import java.util.Properties;
import java.util.Set;

/**
 * {@code /actuator/prometheus} with nscope's families written by {@link TextExposition} in the text
 * formats: Boot's endpoint writes the registry's other families (JVM, HTTP, ...) as before, with the
 * {@link SnapshotCollector} silenced, and nscope's bytes go after them ({@code # EOF} stays last). The
 * bytes are those the client's writer would have written. Protobuf, rarely asked for, takes Boot's
 * path whole.
 */
public class NscopeScrapeEndpoint extends PrometheusScrapeEndpoint {
    private final SnapshotCollector collector;

    public NscopeScrapeEndpoint(PrometheusRegistry registry, @Nullable Properties exporterProperties, SnapshotCollector collector) {
        super(registry, exporterProperties);
        this.collector = collector;
    }

    @Override
    @ReadOperation(producesFrom = PrometheusOutputFormat.class)
    public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
        if (format == PrometheusOutputFormat.CONTENT_TYPE_PROTOBUF) {
            return super.scrape(format, includedNames);
        }
        WebEndpointResponse<byte[]> others = SnapshotCollector.silenced(() -> super.scrape(format, includedNames));
        if (others.getStatus() != WebEndpointResponse.STATUS_OK || others.getBody() == null) {
            return others;
        }
        boolean openMetrics = format == PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100;
        byte[] body = TextExposition.append(others.getBody(), openMetrics, collector.text(openMetrics, includedNames));
        return new WebEndpointResponse<>(body, format);
    }
}
