package dev.nscope.metrics;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * The labels of every per-container series: exactly {@code id}, {@code name}, {@code runtime}, and,
 * when known, the Kubernetes {@code namespace}, {@code pod} and {@code container}. Everything else
 * (image, PID 1, cgroup path) is on {@code nscope_container_info}.
 */
final class ContainerLabels {
    private ContainerLabels() {
    }

    static Labels of(ContainerSnapshot c) {
        List<String> names = new ArrayList<>(6);
        List<String> values = new ArrayList<>(6);
        names.add("id");
        values.add(c.id());
        names.add("name");
        values.add(c.name() == null ? "" : c.name());
        names.add("runtime");
        values.add(c.runtime().label());
        KubernetesRef k = c.kubernetes();
        if (k != null) {
            addIfKnown(names, values, "namespace", k.namespace());
            addIfKnown(names, values, "pod", k.podName());
            addIfKnown(names, values, "container", k.container());
        }
        return Labels.of(names, values);
    }

    private static void addIfKnown(List<String> names, List<String> values, String name, String value) {
        if (value != null && !value.isEmpty()) {
            names.add(name);
            values.add(value);
        }
    }
}
