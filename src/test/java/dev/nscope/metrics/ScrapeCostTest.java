package dev.nscope.metrics;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.testing.SyntheticNode;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;

import static dev.nscope.testing.Cost.allocated;
import static dev.nscope.testing.Cost.bestNanosInTurns;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guard on what a scrape of 1,000 containers costs, relative to what it writes and to the Prometheus
 * client's writer on the same families (relative checks: the machines that run the suite are noisy).
 */
class ScrapeCostTest {

    @Test
    void buildingTheFamiliesOfTheNextSnapshotReusesTheLabelSets() {
        List<ContainerSnapshot> containers = SyntheticNode.containers(1000);
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
        List<MetricFamily> families = ContainerMetrics.collect(SyntheticNode.containers(1000));
        int size = TextExposition.write(families, false, name -> true, 16).length();
        assertThat(size).isGreaterThan(1_500_000);
        for (int i = 0; i < 40; i++) { // warm both well past the compilers' thresholds: a loaded machine's compile queue lags
            TextExposition.write(families, false, name -> true, size);
            TextExpositionTest.client(families, false);
        }
        // sized right (as the collector sizes it from the last scrape): the buffer, label sets written once, little else
        long bytes = allocated(() -> TextExposition.write(families, false, name -> true, size + 4096));
        System.out.printf("scrape of 1,000 containers: %,d bytes written, %,d allocated%n", size, bytes);
        assertThat(bytes).isLessThan(size * 3L / 2);

        long[] nanos = bestNanosInTurns(11, () -> TextExposition.write(families, false, name -> true, size + 4096),
                () -> TextExpositionTest.client(families, false));
        long ours = nanos[0];
        long client = nanos[1];
        System.out.printf("writing them: nscope %.1f ms, the Prometheus client (its snapshots and writer) %.1f ms (best of 11, in turns)%n",
                ours / 1e6, client / 1e6);
        assertThat(ours).isLessThan(client / 2);
    }

    @Test
    void labelSetsRenderedForOneScrapeAreCopiedByTheNext() {
        List<ContainerSnapshot> containers = SyntheticNode.containers(1000);
        LabelCache cache = new LabelCache();
        IdentityHashMap<Labels, byte[]> rendered = new IdentityHashMap<>();
        List<MetricFamily> first = ContainerMetrics.collect(containers, cache);
        String plain = TextExposition.write(first, false, name -> true, 16).text();
        assertThat(TextExposition.write(first, false, name -> true, 16, rendered).text()).isEqualTo(plain);
        int labelSets = rendered.size();
        assertThat(labelSets).isGreaterThan(1000);
        Labels someLabels = first.get(0).labels().get(0);
        byte[] itsBytes = rendered.get(someLabels);
        assertThat(new String(itsBytes, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{").endsWith("}");

        // the next snapshot's families share the label sets (LabelCache): the same text, escaped once
        List<MetricFamily> next = ContainerMetrics.collect(containers, cache);
        int size = plain.length() + 4096;
        for (int i = 0; i < 3; i++) {
            TextExposition.write(next, false, name -> true, size, rendered);
            TextExposition.write(next, false, name -> true, size);
        }
        long fresh = allocated(() -> TextExposition.write(next, false, name -> true, size));
        long copied = allocated(() -> TextExposition.write(next, false, name -> true, size, rendered));
        assertThat(TextExposition.write(next, false, name -> true, size, rendered).text()).isEqualTo(plain);
        assertThat(TextExposition.write(next, true, name -> true, size, rendered).text())
                .isEqualTo(TextExposition.write(next, true, name -> true, size).text());
        assertThat(rendered).hasSize(labelSets);
        assertThat(rendered.get(someLabels)).isSameAs(itsBytes); // not escaped again
        System.out.printf("label sets of 1,000 containers: %,d; a write allocated %,d bytes escaping them, %,d copying them%n",
                labelSets, fresh, copied);
        assertThat(copied).isLessThan(fresh + 64 * 1024);

        // a container gone takes its label sets out of the map
        List<MetricFamily> fewer = ContainerMetrics.collect(containers.subList(0, 10), cache);
        TextExposition.write(fewer, false, name -> true, 16, rendered);
        assertThat(rendered.size()).isLessThan(labelSets / 50);
    }
}
