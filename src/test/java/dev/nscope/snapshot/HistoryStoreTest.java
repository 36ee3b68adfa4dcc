package dev.nscope.snapshot;

import dev.nscope.testing.TestData;
import dev.nscope.cgroup.CgroupVersion;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.Runtime;
import dev.nscope.proc.Namespaces;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.NodeFacts;
import dev.nscope.scan.NodeInfo;
import dev.nscope.scan.ProcessSummary;
import dev.nscope.scan.ScanSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryStoreTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static ContainerSnapshot container(String id, ContainerStats stats) {
        return TestData.container(id).name(id).cgroupPath("/docker/" + id).stats(stats).build();
    }

    static ContainerStats stats(double cpu, long mem) {
        return new ContainerStats(new ContainerStats.Cpu(cpu, null, null, null, null, null, null),
                new ContainerStats.Memory(mem + 10, mem, null, null, null, 1000L, null, 0L),
                new ContainerStats.Io(1L, 2L, null, null, List.of()),
                new ContainerStats.Pids(3L, null, null), null, null);
    }

    static ScanSnapshot snapshot(int second, ContainerSnapshot... cs) {
        NodeInfo n = new NodeInfo("h", "6.1", NodeFacts.UNKNOWN, CgroupVersion.V2, T0.plusSeconds(second), 1, 1,
                Namespaces.none(), Map.of(), List.of());
        return new ScanSnapshot(n, Arrays.asList(cs));
    }

    @Test
    void keepsTheLastPointsOfEachContainerOldestFirst() {
        HistoryStore h = new HistoryStore(3);
        for (int i = 0; i < 5; i++) {
            h.record(snapshot(i, container("a", stats(i, 100 + i)), container("b", stats(10 * i, 0))));
        }
        List<HistoryStore.Point> a = h.points("a");
        assertThat(a).extracting(HistoryStore.Point::timestamp).containsExactly(T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(4));
        assertThat(a).extracting(HistoryStore.Point::cpuUsageSeconds).containsExactly(2.0, 3.0, 4.0);
        HistoryStore.Point last = a.get(2);
        assertThat(last.memoryWorkingSetBytes()).isEqualTo(104);
        assertThat(last.memoryUsageBytes()).isEqualTo(114);
        assertThat(last.memoryLimitBytes()).isEqualTo(1000);
        assertThat(last.ioReadBytes()).isEqualTo(1);
        assertThat(last.ioWriteBytes()).isEqualTo(2);
        assertThat(last.pidsCurrent()).isEqualTo(3);
        assertThat(last.pidsLimit()).as("unlimited stays null").isNull();
        assertThat(h.points("b")).extracting(HistoryStore.Point::cpuUsageSeconds).containsExactly(20.0, 30.0, 40.0);
    }

    @Test
    void fewerPointsThanCapacityBeforeTheRingFills() {
        HistoryStore h = new HistoryStore(10);
        h.record(snapshot(0, container("a", stats(1, 1))));
        h.record(snapshot(1, container("a", stats(2, 1))));
        assertThat(h.points("a")).hasSize(2);
        assertThat(h.points("unknown")).isEmpty();
    }

    @Test
    void aContainerThatGoesAwayIsDropped() {
        HistoryStore h = new HistoryStore(5);
        h.record(snapshot(0, container("a", stats(1, 1)), container("b", stats(1, 1))));
        h.record(snapshot(1, container("b", stats(2, 1))));
        assertThat(h.points("a")).isEmpty();
        assertThat(h.points("b")).hasSize(2);
        assertThat(h.size()).isEqualTo(1);
        // back with the same id: a fresh history
        h.record(snapshot(2, container("a", stats(5, 1)), container("b", stats(3, 1))));
        assertThat(h.points("a")).extracting(HistoryStore.Point::cpuUsageSeconds).containsExactly(5.0);
    }

    @Test
    void figuresTheKernelDoesNotOfferAreNull() {
        HistoryStore h = new HistoryStore(2);
        h.record(snapshot(0, container("sandbox", ContainerStats.NONE)));
        HistoryStore.Point p = h.points("sandbox").get(0);
        assertThat(p.timestamp()).isEqualTo(T0);
        assertThat(Arrays.asList(p.cpuUsageSeconds(), p.memoryUsageBytes(), p.memoryWorkingSetBytes(), p.memoryLimitBytes(),
                p.ioReadBytes(), p.ioWriteBytes(), p.pidsCurrent(), p.pidsLimit())).containsOnlyNulls();
    }

    @Test
    void publishedSnapshotsFeedIt() {
        SnapshotStore store = new SnapshotStore();
        HistoryStore h = new HistoryStore(4);
        store.onPublish(h::record);
        store.publish(snapshot(0, container("a", stats(1, 1))));
        store.publish(snapshot(1, container("a", stats(2, 1))));
        assertThat(h.points("a")).hasSize(2);
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new HistoryStore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * {@code nscope.history.points=10000} on a node of 2,000 containers once filled the chart's heap: the rings'
     * memory has a budget, and a ring keeps fewer points (the newest) when the containers would pass it.
     */
    @Test
    void theRingsKeepWithinTheirBudgetWhateverTheNumberOfContainers() {
        long budget = 90L << 20 >> 3; // an eighth of the chart's heap
        HistoryStore h = new HistoryStore(10_000, budget);
        ContainerSnapshot[] many = new ContainerSnapshot[2000];
        for (int i = 0; i < many.length; i++) {
            many[i] = container("c" + i, stats(i, i));
        }
        for (int second = 0; second < 200; second++) {
            h.record(snapshot(second, many));
        }
        assertThat((long) h.capacity() * many.length * HistoryStore.POINT_BYTES).isLessThanOrEqualTo(budget);
        assertThat(h.capacity()).isEqualTo(80);
        List<HistoryStore.Point> c0 = h.points("c0");
        assertThat(c0).hasSize(80);
        assertThat(c0.get(79).timestamp()).as("the newest kept").isEqualTo(T0.plusSeconds(199));
        // most of them gone: the rest keep more, up to the configured points
        h.record(snapshot(200, many[0], many[1]));
        assertThat(h.capacity()).isEqualTo(10_000);
        assertThat(h.points("c0")).hasSize(81);
        assertThat(h.points("c0").get(80).timestamp()).isEqualTo(T0.plusSeconds(200));
        // never fewer than two points: a rate needs two
        assertThat(new HistoryStore(120, 1).capacityFor(5)).isEqualTo(2);
    }
}
