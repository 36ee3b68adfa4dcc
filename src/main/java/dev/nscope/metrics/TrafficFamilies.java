package dev.nscope.metrics;

import dev.nscope.cgroup.ContainerStats;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static dev.nscope.metrics.ContainerMetrics.sorted;

/**
 * The families of a container's block IO, per device, and its network traffic, per interface. A device is
 * labelled by its name in /dev where the kernel tells it ({@code /dev/vda}, as cAdvisor and the
 * kubernetes-mixin's selectors have it), else by {@code major:minor}.
 */
final class TrafficFamilies {
    private TrafficFamilies() {
    }

    static void add(List<ContainerMetrics.Spec> s) {
        MetricFamily readBytes = MetricFamily.counter("nscope_container_fs_reads_bytes", "Bytes read from block devices, per device");
        MetricFamily writeBytes = MetricFamily.counter("nscope_container_fs_writes_bytes", "Bytes written to block devices, per device");
        MetricFamily reads = MetricFamily.counter("nscope_container_fs_reads", "Read operations on block devices, per device");
        MetricFamily writes = MetricFamily.counter("nscope_container_fs_writes", "Write operations on block devices, per device");
        s.add(new ContainerMetrics.Spec(List.of(readBytes, writeBytes, reads, writes), (l, c, cache) -> {
            if (c.stats() != null && c.stats().io() != null && c.stats().io().devices() != null) {
                for (ContainerStats.Device d : sorted(c.stats().io().devices(), Comparator.comparing(TrafficFamilies::label))) {
                    String label = label(d);
                    Labels dl = cache.derived(c, "device\0" + label, () -> l.add("device", label));
                    readBytes.add(dl, d.readBytes());
                    writeBytes.add(dl, d.writeBytes());
                    reads.add(dl, d.readOps());
                    writes.add(dl, d.writeOps());
                }
            }
        }));
        String[][] net = {
                {"receive_bytes", "Bytes received"}, {"transmit_bytes", "Bytes transmitted"},
                {"receive_packets", "Packets received"}, {"transmit_packets", "Packets transmitted"},
                {"receive_errors", "Receive errors"}, {"transmit_errors", "Transmit errors"},
                {"receive_packets_dropped", "Received packets dropped"}, {"transmit_packets_dropped", "Transmitted packets dropped"}};
        List<MetricFamily> netFamilies = new ArrayList<>();
        for (String[] n : net) {
            netFamilies.add(MetricFamily.counter("nscope_container_network_" + n[0],
                    n[1] + " by the container's network namespace, per interface (lo left out; one reporter per namespace)"));
        }
        s.add(new ContainerMetrics.Spec(netFamilies, (l, c, cache) -> {
            if (c.stats() == null || c.stats().network() == null) {
                return;
            }
            for (ContainerStats.Interface i : sorted(c.stats().network().interfaces(), Comparator.comparing(ContainerStats.Interface::name))) {
                if (i.name().equals("lo")) {
                    continue;
                }
                Labels il = cache.derived(c, "interface\0" + i.name(), () -> l.add("interface", i.name()));
                long[] v = {i.rxBytes(), i.txBytes(), i.rxPackets(), i.txPackets(), i.rxErrors(), i.txErrors(), i.rxDropped(), i.txDropped()};
                for (int k = 0; k < v.length; k++) {
                    netFamilies.get(k).add(il, v[k]);
                }
            }
        }));
    }

    /** The device's name in /dev, else its major:minor. */
    static String label(ContainerStats.Device d) {
        return d.name() != null ? d.name() : d.device();
    }
}
