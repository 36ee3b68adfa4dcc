package dev.nscope.metrics;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The label sets of the per-container series, kept from one snapshot's families to the next. Making a
 * {@link Labels} sorts and validates its names, and that was most of what a scrape of a new snapshot
 * allocated to build its families, for label sets that rarely change. A container
 * whose base labels changed (a name learnt, a pod known) gets new ones; containers gone from the
 * snapshot are dropped at the next {@link #nextSnapshot()}. Not thread-safe: one snapshot's families
 * are built by one thread at a time.
 */
final class LabelCache {
    /**
     * Label sets made from one container's base labels, at most: its states, findings, devices,
     * interfaces and info series take a dozen or two. Past this (values that keep changing, such as a
     * PID 1 that keeps exec'ing new programs) the container's set starts again rather than grow.
     */
    static final int MAX_DERIVED = 256;
    private final List<String> extras;
    private Map<String, Entry> current = new HashMap<>();
    private Map<String, Entry> previous = new HashMap<>();

    /** A container's base labels, and the label sets made from them, by what was added. */
    private record Entry(String name, String runtime, KubernetesRef kubernetes, List<String> extraValues, Labels base,
                         Map<String, Labels> derived) {
    }

    LabelCache() {
        this(List.of());
    }

    /** @param extras the extra labels of every series ({@code nscope.metrics.extra-labels}) */
    LabelCache(List<String> extras) {
        this.extras = List.copyOf(extras);
    }

    /** The extra labels every series carries. */
    List<String> extras() {
        return extras;
    }

    /** Starts a snapshot: entries not asked for since the last call are forgotten. */
    void nextSnapshot() {
        previous = current;
        current = new HashMap<>(previous.size() * 2);
    }

    /** The base labels of {@code c}: {@link ContainerLabels#of}, the same object while they do not change. */
    Labels base(ContainerSnapshot c) {
        return entry(c).base();
    }

    /**
     * {@code c}'s base labels with more, made by {@code make} once and then kept under {@code key} (which
     * must say everything {@code make} adds: names and values).
     */
    Labels derived(ContainerSnapshot c, String key, Supplier<Labels> make) {
        Entry e = entry(c);
        Labels l = e.derived().get(key);
        if (l == null) {
            if (e.derived().size() >= MAX_DERIVED) {
                e.derived().clear();
            }
            l = make.get();
            e.derived().put(key, l);
        }
        return l;
    }

    private List<String> extraValues(ContainerSnapshot c) {
        if (extras.isEmpty()) {
            return List.of();
        }
        List<String> v = new java.util.ArrayList<>(extras.size());
        for (String e : extras) {
            v.add(ContainerLabels.extra(c, e));
        }
        return v;
    }

    private Entry entry(ContainerSnapshot c) {
        Entry e = current.get(c.id());
        if (e != null) {
            return e;
        }
        e = previous.get(c.id());
        String runtime = c.runtime().label();
        List<String> extraValues = extraValues(c);
        if (e == null || !Objects.equals(e.name(), c.name()) || !e.runtime().equals(runtime)
                || !Objects.equals(e.kubernetes(), c.kubernetes()) || !Objects.equals(e.extraValues(), extraValues)) {
            e = new Entry(c.name(), runtime, c.kubernetes(), extraValues, ContainerLabels.of(c, extras), new HashMap<>());
        }
        current.put(c.id(), e);
        return e;
    }
}
