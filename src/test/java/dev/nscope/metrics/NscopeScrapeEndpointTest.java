package dev.nscope.metrics;

import dev.nscope.scan.Scanner;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.testing.Fixtures;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint against Boot's own on the same registry: the same families with the same bytes, for every
 * format and name filter. Only the order of the families differs (Boot's sorts all of them by name;
 * nscope's come after the others), which no Prometheus reader depends on.
 */
class NscopeScrapeEndpointTest {
    PrometheusRegistry registry;
    SnapshotCollector collector;
    PrometheusScrapeEndpoint boot;
    NscopeScrapeEndpoint ours;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        registry.register(() -> CounterSnapshot.builder().name("app_requests").help("Requests \"served\"")
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("path", "/a\\b")).value(3).build()).build());
        registry.register(() -> GaugeSnapshot.builder().name("zz_last").help("sorts after nscope")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(2.5).build()).build());
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        SnapshotStore store = new SnapshotStore();
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10));
        collector = new SnapshotCollector(store, service);
        registry.register(collector);
        service.runOnce();
        boot = new PrometheusScrapeEndpoint(registry, null);
        ours = new NscopeScrapeEndpoint(registry, null, collector);
    }

    String body(PrometheusScrapeEndpoint e, PrometheusOutputFormat format, Set<String> names) {
        return new String(e.scrape(format, names).getBody(), StandardCharsets.UTF_8);
    }

    /** The text cut into families: each starts at a comment line that follows a sample line. */
    static List<String> families(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSamples = false;
        for (String line : text.lines().toList()) {
            boolean comment = line.startsWith("#");
            if (comment && inSamples) {
                out.add(current.toString());
                current.setLength(0);
            }
            inSamples = !comment;
            current.append(line).append('\n');
        }
        out.add(current.toString());
        return out.stream().sorted().toList();
    }

    @Test
    void theSameFamiliesAsBootsEndpointInBothTextFormats() {
        for (PrometheusOutputFormat format : List.of(PrometheusOutputFormat.CONTENT_TYPE_004, PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100)) {
            for (int scrape = 0; scrape < 2; scrape++) { // the second from the bytes kept for the snapshot
                String expected = body(boot, format, null);
                String actual = body(ours, format, null);
                assertThat(actual).contains("nscope_container_cpu_usage_seconds_total{", "app_requests_total{path=\"/a\\\\b\"} 3.0",
                        "zz_last 2.5", "nscope_scans_total{result=\"ok\"}");
                assertThat(families(actual)).as(format.name()).isEqualTo(families(expected));
                if (format == PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100) {
                    assertThat(actual).endsWith("\n# EOF\n");
                    assertThat(actual.indexOf("# EOF")).isEqualTo(actual.length() - "# EOF\n".length());
                }
            }
        }
    }

    @Test
    void aNameFilterPicksTheSameFamilies() {
        Set<String> names = Set.of("app_requests", "nscope_scans", "nscope_container_cpu_usage_seconds", "nscope_container", "nscope_processes");
        for (PrometheusOutputFormat format : List.of(PrometheusOutputFormat.CONTENT_TYPE_004, PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100)) {
            String actual = body(ours, format, names);
            assertThat(families(actual)).as(format.name()).isEqualTo(families(body(boot, format, names)));
            assertThat(actual).contains("nscope_container_info{", "nscope_processes ").doesNotContain("zz_last", "nscope_container_pids");
        }
    }

    @Test
    void protobufIsBootsOwnWithNscopesFamilies() {
        byte[] expected = boot.scrape(PrometheusOutputFormat.CONTENT_TYPE_PROTOBUF, null).getBody();
        byte[] actual = ours.scrape(PrometheusOutputFormat.CONTENT_TYPE_PROTOBUF, null).getBody();
        assertThat(actual.length).isGreaterThan(10_000);
        assertThat(Arrays.equals(actual, expected)).isTrue();
    }

    @Test
    void theCollectorIsSilencedOnlyWhileBootsWriterRuns() {
        assertThat(SnapshotCollector.silenced(() -> collector.collect().size())).isZero();
        assertThat(collector.collect().size()).isGreaterThan(30);
    }
}
