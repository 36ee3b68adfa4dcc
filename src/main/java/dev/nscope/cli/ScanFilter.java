package dev.nscope.cli;

import dev.nscope.scan.ContainerSnapshot;

import java.util.List;

/**
 * Which containers {@code scan} prints; a null part matches every container.
 *
 * @param runtime   the runtime's label ({@code docker}, {@code sandbox} …)
 * @param namespace the Kubernetes namespace of the container's pod
 * @param container a full id, a prefix of at least 12 characters of one, or a name (as {@code /actuator/containers/{id}} takes)
 */
public record ScanFilter(String runtime, String namespace, String container) {
    public static final ScanFilter ALL = new ScanFilter(null, null, null);

    public boolean all() {
        return runtime == null && namespace == null && container == null;
    }

    public boolean matches(ContainerSnapshot c) {
        return (runtime == null || runtime.equals(c.runtime().label()))
                && (namespace == null || c.kubernetes() != null && namespace.equals(c.kubernetes().namespace()))
                && (container == null || container.equals(c.id()) || container.length() >= 12 && c.id().startsWith(container)
                    || container.equals(c.name()));
    }

    public List<ContainerSnapshot> apply(List<ContainerSnapshot> containers) {
        return all() ? containers : containers.stream().filter(this::matches).toList();
    }
}
