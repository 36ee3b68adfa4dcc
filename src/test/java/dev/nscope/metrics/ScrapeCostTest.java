package dev.nscope.metrics;

import dev.nscope.agent.ScanService;
import dev.nscope.agent.SnapshotStore;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guard on what a scrape of 1,000 containers costs, relative to what it writes and to the Prometheus
 * client's writer on the same families (relative checks: the machines that run the suite are noisy).
 */
class ScrapeCostTest {

    /** The fixture node's containers, copied under new ids up to {@code n}. */
    static List<ContainerSnapshot> containers(int n) {
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        SnapshotStore store = new SnapshotStore();
        new ScanService(scanner, store, Duration.ofSeconds(10)).runOnce();
        ScanSnapshot s = store.latest();
        List<ContainerSnapshot> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            ContainerSnapshot c = s.containers().get(i % s.containers().size());
            out.add(new ContainerSnapshot(String.format("%064x", i), c.runtime(), c.name(), c.image(), c.kubernetes(),
                    c.cgroupPath(), c.namespaces(), c.pid1(), c.processes(), c.stats(), c.findings(), c.processList()));
        }
        return out;
    }

    static long allocated(Runnable r) {
        com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = tm.getCurrentThreadAllocatedBytes();
        r.run();
        return tm.getCurrentThreadAllocatedBytes() - a0;
    }

    static long bestNanos(int runs, Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }

    @Test
    void buildingTheFamiliesOfTheNextSnapshotReusesTheLabelSets() {
        List<ContainerSnapshot> containers = containers(1000);
        LabelCache cache = new LabelCache();
        long first = allocated(() -> ContainerMetrics.collect(containers, cache));
        for (int i = 0; i < 3; i++) {
            ContainerMetrics.collect(containers, cache);
        }
        long next = allocated(() -> ContainerMetrics.collect(containers, cache));
        long points = ContainerMetrics.collect(containers, cache).stream().mapToLong(f -> f.labels().size()).sum();
        System.out.printf("families of 1,000 containers (%,d points): %,d bytes allocated the first time, %,d for the next snapshot%n",
                points, first, next);
        assertThat(next).isLessThan(first / 2);
        assertThat(next / points).isLessThan(150);
    }

    @Test
    void writingAThousandContainersAllocatesLittleMoreThanItWritesAndBeatsTheClientsPath() {
        List<MetricFamily> families = ContainerMetrics.collect(containers(1000));
        int size = TextExposition.write(families, false, name -> true, 16).length();
        assertThat(size).isGreaterThan(1_500_000);
        for (int i = 0; i < 5; i++) { // warm both
            TextExposition.write(families, false, name -> true, size);
            TextExpositionTest.client(families, false);
        }
        // sized right (as the collector sizes it from the last scrape): the buffer, label sets written once, little else
        long bytes = allocated(() -> TextExposition.write(families, false, name -> true, size + 4096));
        System.out.printf("scrape of 1,000 containers: %,d bytes written, %,d allocated%n", size, bytes);
        assertThat(bytes).isLessThan(size * 3L / 2);

        long ours = bestNanos(5, () -> TextExposition.write(families, false, name -> true, size + 4096));
        long client = bestNanos(5, () -> TextExpositionTest.client(families, false));
        System.out.printf("writing them: nscope %.1f ms, the Prometheus client (its snapshots and writer) %.1f ms (best of 5)%n", ours / 1e6, client / 1e6);
        assertThat(ours).isLessThan(client / 2);
    }
}
