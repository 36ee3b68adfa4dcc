package dev.nscope.metrics;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * The labels of every per-container series: exactly {@code id}, {@code name}, {@code runtime}, and,
 * when known, the Kubernetes {@code namespace}, {@code pod} and {@code container}. Everything else
 * (image, PID 1, cgroup path) is on {@code nscope_container_info}, unless {@code nscope.metrics.extra-labels}
 * asks for some of it on every series too ({@code image}, {@code cgroup_path}, {@code pod_uid}: what
 * queries ported from cAdvisor select on, such as the kubernetes-mixin's {@code image!=""}).
 */
final class ContainerLabels {
    private ContainerLabels() {
    }

    static Labels of(ContainerSnapshot c) {
        return of(c, List.of());
    }

    static Labels of(ContainerSnapshot c, List<String> extras) {
        List<String> names = new ArrayList<>(6 + extras.size());
        List<String> values = new ArrayList<>(6 + extras.size());
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
        for (String e : extras) {
            names.add(e);
            values.add(orEmpty(extra(c, e)));
        }
        return Labels.of(names, values);
    }

    /** The value of an extra label; null when unknown. */
    static String extra(ContainerSnapshot c, String name) {
        return switch (name) {
            case "image" -> c.image();
            case "cgroup_path" -> c.cgroupPath();
            case "pod_uid" -> c.kubernetes() == null ? null : c.kubernetes().podUid();
            default -> throw new IllegalArgumentException("no extra label " + name);
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void addIfKnown(List<String> names, List<String> values, String name, String value) {
        if (value != null && !value.isEmpty()) {
            names.add(name);
            values.add(value);
        }
    }
}
