package dev.nscope.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One metric family being filled from a snapshot: a gauge, a counter (whose exposition name gets
 * {@code _total}) or an info family ({@code _info}, value 1), with one data point per label set. A null value adds nothing: what the kernel does
 * not offer is absent from the metrics, never 0.
 */
final class MetricFamily {
    enum Kind { GAUGE, COUNTER, INFO }

    private final Kind kind;
    private final String name;
    private final String help;
    private final Unit unit;
    private final List<Labels> labels = new ArrayList<>();
    private double[] values = new double[16];

    private MetricFamily(Kind kind, String name, String help, Unit unit) {
        this.kind = kind;
        this.name = name;
        this.help = help;
        this.unit = unit;
    }

    static MetricFamily gauge(String name, String help) {
        return new MetricFamily(Kind.GAUGE, name, help, unitOf(name));
    }

    /** An info family (value 1 per label set); {@code name} is given without {@code _info}. */
    static MetricFamily info(String name, String help) {
        return new MetricFamily(Kind.INFO, name, help, null);
    }

    /** A counter; {@code name} is given without {@code _total}. */
    static MetricFamily counter(String name, String help) {
        return new MetricFamily(Kind.COUNTER, name, help, unitOf(name));
    }

    private static Unit unitOf(String name) {
        return name.endsWith("_seconds") ? Unit.SECONDS : name.endsWith("_bytes") ? Unit.BYTES : null;
    }

    MetricFamily add(Labels l, Number value) {
        if (value != null) {
            if (labels.size() == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[labels.size()] = value.doubleValue();
            labels.add(l);
        }
        return this;
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    String help() {
        return help;
    }

    /** Seconds or bytes, from the name's suffix; null otherwise. */
    Unit unit() {
        return unit;
    }

    /** The label set of each data point, in the order they were added. */
    List<Labels> labels() {
        return labels;
    }

    /** The value of each data point, index for index with {@link #labels()}: the first {@code labels().size()} entries. */
    double[] values() {
        return values;
    }

    boolean isEmpty() {
        return labels.isEmpty();
    }

    MetricSnapshot build() {
        if (kind == Kind.INFO) {
            InfoSnapshot.Builder b = InfoSnapshot.builder().name(name).help(help);
            for (Labels l : labels) {
                b.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(l).build());
            }
            return b.build();
        }
        if (kind == Kind.COUNTER) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            if (unit != null) {
                b.unit(unit);
            }
            for (int i = 0; i < labels.size(); i++) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values[i]).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        for (int i = 0; i < labels.size(); i++) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values[i]).build());
        }
        return b.build();
    }
}
