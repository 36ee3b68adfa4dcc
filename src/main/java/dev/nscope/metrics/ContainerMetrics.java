package dev.nscope.metrics;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The per-container families. Where cAdvisor has a family for the same figure, the name is its
 * {@code container_*} name with {@code nscope_} in front, so queries port by a rename (docs/metrics.md has
 * the table). Counters are the kernel's raw cumulative values; rates are Prometheus's job.
 */
final class ContainerMetrics {
    /** The info series' own labels, besides the base ones. */
    private static final List<String> INFO_NAMES = List.of("image", "cgroup_path", "pid1_comm", "init_kind", "pod_uid");

    /** The order of a finding's labels: {@code rule} sorts before {@code severity}. */
    private static final Comparator<Finding> BY_RULE_THEN_SEVERITY =
            Comparator.comparing(Finding::rule).thenComparing(f -> f.severity().label());

    private ContainerMetrics() {
    }

    /** Fills families from one container, given its base labels and the cache of the label sets made from them. */
    @FunctionalInterface
    private interface Fill {
        void accept(Labels base, ContainerSnapshot c, LabelCache labels);
    }

    /** Families filled from one container at a time. */
    private record Spec(List<MetricFamily> families, Fill fill) {
        Spec(MetricFamily family, Fill fill) {
            this(List.of(family), fill);
        }
    }

    private static Spec gauge(String name, String help, Function<ContainerSnapshot, Number> value) {
        MetricFamily f = MetricFamily.gauge(name, help);
        return new Spec(f, (l, c, cache) -> f.add(l, value.apply(c)));
    }

    private static Spec counter(String name, String help, Function<ContainerSnapshot, Number> value) {
        MetricFamily f = MetricFamily.counter(name, help);
        return new Spec(f, (l, c, cache) -> f.add(l, value.apply(c)));
    }

    private static <T> T cpu(ContainerSnapshot c, Function<ContainerStats.Cpu, T> f) {
        return c.stats() == null || c.stats().cpu() == null ? null : f.apply(c.stats().cpu());
    }

    private static <T> T mem(ContainerSnapshot c, Function<ContainerStats.Memory, T> f) {
        return c.stats() == null || c.stats().memory() == null ? null : f.apply(c.stats().memory());
    }

    private static <T> T pids(ContainerSnapshot c, Function<ContainerStats.Pids, T> f) {
        return c.stats() == null || c.stats().pids() == null ? null : f.apply(c.stats().pids());
    }

    private static ContainerStats.Stall stall(ContainerSnapshot c, Function<ContainerStats.Pressure, ContainerStats.Stall> f) {
        return c.stats() == null || c.stats().pressure() == null ? null : f.apply(c.stats().pressure());
    }

    /**
     * Fresh families for one scrape, filled from every container, in the order of their labels: the order
     * in which a Prometheus snapshot keeps its data points, so that writing them needs no sort.
     */
    static List<MetricFamily> collect(List<ContainerSnapshot> containers) {
        return collect(containers, new LabelCache());
    }

    /** As {@link #collect(List)}, with the label sets of the previous snapshot's families at hand. */
    static List<MetricFamily> collect(List<ContainerSnapshot> containers, LabelCache cache) {
        cache.nextSnapshot();
        List<Spec> specs = specs();
        List<Map.Entry<Labels, ContainerSnapshot>> labelled = new ArrayList<>(containers.size());
        for (ContainerSnapshot c : containers) {
            labelled.add(Map.entry(cache.base(c), c));
        }
        labelled.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Labels, ContainerSnapshot> e : labelled) {
            for (Spec s : specs) {
                s.fill.accept(e.getKey(), e.getValue(), cache);
            }
        }
        List<MetricFamily> out = new ArrayList<>(specs.size());
        for (Spec s : specs) {
            out.addAll(s.families);
        }
        return out;
    }

    private static List<Spec> specs() {
        List<Spec> s = new ArrayList<>();
        MetricFamily info = MetricFamily.info("nscope_container",
                "A container's identity (value 1): image, PID 1, init kind, cgroup path");
        s.add(new Spec(info, (l, c, cache) -> {
            List<String> values = infoValues(c);
            info.add(cache.derived(c, "info\0" + String.join("\0", values), () -> l.merge(Labels.of(INFO_NAMES, values))), 1);
        }));
        s.add(counter("nscope_container_cpu_usage_seconds", "CPU time used by the container's cgroup", c -> cpu(c, ContainerStats.Cpu::usageSeconds)));
        s.add(counter("nscope_container_cpu_user_seconds", "User CPU time", c -> cpu(c, ContainerStats.Cpu::userSeconds)));
        s.add(counter("nscope_container_cpu_system_seconds", "System CPU time", c -> cpu(c, ContainerStats.Cpu::systemSeconds)));
        s.add(counter("nscope_container_cpu_cfs_periods", "CFS enforcement periods that elapsed", c -> cpu(c, ContainerStats.Cpu::periods)));
        s.add(counter("nscope_container_cpu_cfs_throttled_periods", "CFS periods in which the container was throttled",
                c -> cpu(c, ContainerStats.Cpu::throttledPeriods)));
        s.add(counter("nscope_container_cpu_cfs_throttled_seconds", "Time the container was throttled",
                c -> cpu(c, ContainerStats.Cpu::throttledSeconds)));
        s.add(gauge("nscope_container_spec_cpu_quota_cores", "CPU quota in cores (quota over period); absent without a quota",
                c -> cpu(c, ContainerStats.Cpu::quotaCores)));
        s.add(gauge("nscope_container_memory_usage_bytes", "Memory charged to the cgroup, page cache included",
                c -> mem(c, ContainerStats.Memory::usageBytes)));
        s.add(gauge("nscope_container_memory_working_set_bytes", "Usage minus inactive file cache: what the kubelet evicts on",
                c -> mem(c, ContainerStats.Memory::workingSetBytes)));
        s.add(gauge("nscope_container_memory_rss_bytes", "Anonymous memory", c -> mem(c, ContainerStats.Memory::rssBytes)));
        s.add(gauge("nscope_container_memory_cache_bytes", "File cache", c -> mem(c, ContainerStats.Memory::cacheBytes)));
        s.add(gauge("nscope_container_memory_swap_bytes", "Swap used", c -> mem(c, ContainerStats.Memory::swapBytes)));
        s.add(gauge("nscope_container_memory_max_usage_bytes", "Peak memory usage, where the kernel keeps it",
                c -> mem(c, ContainerStats.Memory::peakBytes)));
        s.add(gauge("nscope_container_spec_memory_limit_bytes", "Memory limit; absent when unlimited",
                c -> mem(c, ContainerStats.Memory::limitBytes)));
        s.add(counter("nscope_container_oom_events", "Processes of the container killed by the OOM killer",
                c -> mem(c, ContainerStats.Memory::oomKills)));
        MetricFamily readBytes = MetricFamily.counter("nscope_container_fs_reads_bytes", "Bytes read from block devices, per device");
        MetricFamily writeBytes = MetricFamily.counter("nscope_container_fs_writes_bytes", "Bytes written to block devices, per device");
        MetricFamily reads = MetricFamily.counter("nscope_container_fs_reads", "Read operations on block devices, per device");
        MetricFamily writes = MetricFamily.counter("nscope_container_fs_writes", "Write operations on block devices, per device");
        s.add(new Spec(List.of(readBytes, writeBytes, reads, writes), (l, c, cache) -> {
            if (c.stats() != null && c.stats().io() != null && c.stats().io().devices() != null) {
                for (ContainerStats.Device d : sorted(c.stats().io().devices(), Comparator.comparing(ContainerStats.Device::device))) {
                    Labels dl = cache.derived(c, "device\0" + d.device(), () -> l.add("device", d.device()));
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
        s.add(new Spec(netFamilies, (l, c, cache) -> {
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
        s.add(gauge("nscope_container_pids", "Tasks in the cgroup (pids.current)", c -> pids(c, ContainerStats.Pids::current)));
        s.add(gauge("nscope_container_threads_max", "The cgroup's task limit (pids.max); absent when unlimited",
                c -> pids(c, ContainerStats.Pids::limit)));
        s.add(counter("nscope_container_pids_fork_failures", "Forks refused at pids.max (pids.events max)",
                c -> pids(c, ContainerStats.Pids::forkFailures)));
        for (String res : List.of("cpu", "memory", "io")) {
            Function<ContainerStats.Pressure, ContainerStats.Stall> pick = switch (res) {
                case "cpu" -> ContainerStats.Pressure::cpu;
                case "memory" -> ContainerStats.Pressure::memory;
                default -> ContainerStats.Pressure::io;
            };
            s.add(counter("nscope_container_pressure_" + res + "_waiting_seconds",
                    "PSI 'some': time at least one task was stalled on " + res, c -> {
                        ContainerStats.Stall st = stall(c, pick);
                        return st == null ? null : st.someSeconds();
                    }));
            s.add(counter("nscope_container_pressure_" + res + "_stalled_seconds",
                    "PSI 'full': time all non-idle tasks were stalled on " + res, c -> {
                        ContainerStats.Stall st = stall(c, pick);
                        return st == null ? null : st.fullSeconds();
                    }));
        }
        s.add(gauge("nscope_container_processes", "Processes in the container", c -> c.processes().total()));
        s.add(gauge("nscope_container_threads", "Threads in the container", c -> c.processes().threads()));
        s.add(gauge("nscope_container_zombies", "Zombie processes in the container", c -> c.processes().zombies()));
        MetricFamily byState = MetricFamily.gauge("nscope_container_processes_by_state", "Processes by state letter (R, S, D, Z, T, …)");
        s.add(new Spec(byState, (l, c, cache) -> new TreeMap<>(c.processes().byState()).forEach((st, n) ->
                byState.add(cache.derived(c, "state\0" + st, () -> l.add("state", st)), n))));
        MetricFamily finding = MetricFamily.gauge("nscope_container_finding", "A finding on the container (value 1), by rule and severity");
        s.add(new Spec(finding, (l, c, cache) -> {
            for (Finding f : sorted(c.findings(), BY_RULE_THEN_SEVERITY)) {
                String severity = f.severity().label();
                finding.add(cache.derived(c, "rule\0" + f.rule() + "\0" + severity, () -> l.add("rule", f.rule()).add("severity", severity)), 1);
            }
        }));
        return s;
    }

    /**
     * A container's points of one family in the order of their extra label (device, interface, state,
     * rule), so that with the containers in label order the whole family is in label order.
     */
    private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        if (items.size() < 2) {
            return items;
        }
        List<T> copy = new ArrayList<>(items);
        copy.sort(order);
        return copy;
    }

    /** The values of the info series' own labels, in the order of {@link #INFO_NAMES}; "" where unknown. */
    private static List<String> infoValues(ContainerSnapshot c) {
        return List.of(orEmpty(c.image()), orEmpty(c.cgroupPath()), c.pid1() == null ? "" : orEmpty(c.pid1().comm()),
                c.pid1() == null ? "" : orEmpty(c.pid1().initKind()),
                c.kubernetes() == null ? "" : orEmpty(c.kubernetes().podUid()));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
