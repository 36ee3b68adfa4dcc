package dev.nscope.metrics;

import dev.nscope.host.HostPaths;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.testing.Fixtures;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Series come from the latest snapshot only: a container that is gone takes every series with it. */
class SnapshotCollectorTest {

    static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aVanishedContainerTakesItsSeriesWithIt() throws IOException {
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        SnapshotStore store = new SnapshotStore();
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new SnapshotCollector(store, service));

        service.runOnce();
        ScanSnapshot full = store.latest();
        String gone = "c1".repeat(32);
        String before = text(registry);
        long seriesBefore = before.lines().filter(l -> l.startsWith("nscope_container")).count();
        long ofGone = before.lines().filter(l -> l.startsWith("nscope_container") && l.contains("id=\"" + gone + "\"")).count();
        assertThat(ofGone).isGreaterThan(20);

        // the next snapshot no longer has that container (it stopped)
        store.publish(new ScanSnapshot(full.node(), full.containers().stream().filter(c -> !c.id().equals(gone)).toList()));
        String after = text(registry);
        assertThat(after).doesNotContain(gone);
        long seriesAfter = after.lines().filter(l -> l.startsWith("nscope_container")).count();
        assertThat(seriesAfter).isEqualTo(seriesBefore - ofGone);

        // and when everything is back, the same series as at the start
        store.publish(full);
        assertThat(text(registry).lines().filter(l -> l.startsWith("nscope_container")).count()).isEqualTo(seriesBefore);
    }

    @Test
    void aFileTheKernelLacksIsAbsentNotZero(@TempDir Path tmp) throws IOException, InterruptedException {
        // a copy of the v2 node capture as a kernel before 5.19 would show it: no memory.peak anywhere
        Path copy = tmp.resolve("node");
        Process cp = new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V2_NODE).toString(), copy.toString()).start();
        assertThat(cp.waitFor()).isZero();
        try (var files = Files.walk(copy.resolve("sys"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("memory.peak")).toList()) {
                Files.delete(f);
            }
        }
        Scanner scanner = new Scanner(new HostPaths(copy.resolve("proc"), copy.resolve("sys")));
        SnapshotStore store = new SnapshotStore();
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new SnapshotCollector(store, service));
        service.runOnce();
        String t = text(registry);
        assertThat(store.latest().containers()).allSatisfy(c -> assertThat(c.stats().memory().peakBytes()).isNull());
        assertThat(t).doesNotContain("nscope_container_memory_max_usage_bytes{");
        assertThat(t).contains("nscope_container_memory_usage_bytes{");
    }
}
