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
    interface Fill {
        void accept(Labels base, ContainerSnapshot c, LabelCache labels);
    }

    /** Families filled from one container at a time. */
    record Spec(List<MetricFamily> families, Fill fill) {
        Spec(MetricFamily family, Fill fill) {
            this(List.of(family), fill);
        }
    }

    static Spec gauge(String name, String help, Function<ContainerSnapshot, Number> value) {
        MetricFamily f = MetricFamily.gauge(name, help);
        return new Spec(f, (l, c, cache) -> f.add(l, value.apply(c)));
    }

    static Spec counter(String name, String help, Function<ContainerSnapshot, Number> value) {
        MetricFamily f = MetricFamily.counter(name, help);
        return new Spec(f, (l, c, cache) -> f.add(l, value.apply(c)));
    }

    static <T> T cpu(ContainerSnapshot c, Function<ContainerStats.Cpu, T> f) {
        return c.stats() == null || c.stats().cpu() == null ? null : f.apply(c.stats().cpu());
    }

    static <T> T mem(ContainerSnapshot c, Function<ContainerStats.Memory, T> f) {
        return c.stats() == null || c.stats().memory() == null ? null : f.apply(c.stats().memory());
    }

    static <T> T pids(ContainerSnapshot c, Function<ContainerStats.Pids, T> f) {
        return c.stats() == null || c.stats().pids() == null ? null : f.apply(c.stats().pids());
    }

    static ContainerStats.Stall stall(ContainerSnapshot c, Function<ContainerStats.Pressure, ContainerStats.Stall> f) {
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
            info.add(cache.derived(c, "info\0" + String.join("\0", values), () -> l.merge(infoLabels(values, cache.extras()))), 1);
        }));
        ResourceFamilies.add(s);
        TrafficFamilies.add(s);
        s.add(gauge("nscope_container_start_time_seconds", "When the container's PID 1 started (else its oldest process), in seconds "
                + "since the epoch", c -> c.startedAt() == null ? null : c.startedAt().getEpochSecond() + c.startedAt().getNano() / 1e9));
        s.add(counter("nscope_container_restarts", "Times another PID 1 took the place of the container's last one under the same id",
                ContainerSnapshot::restarts));
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
    static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        if (items.size() < 2) {
            return items;
        }
        List<T> copy = new ArrayList<>(items);
        copy.sort(order);
        return copy;
    }

    /** The info series' own labels, less those every series carries already ({@code nscope.metrics.extra-labels}). */
    private static Labels infoLabels(List<String> values, List<String> extras) {
        if (extras.isEmpty()) {
            return Labels.of(INFO_NAMES, values);
        }
        List<String> names = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < INFO_NAMES.size(); i++) {
            if (!extras.contains(INFO_NAMES.get(i))) {
                names.add(INFO_NAMES.get(i));
                kept.add(values.get(i));
            }
        }
        return Labels.of(names, kept);
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
