package dev.nscope.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy.
 *
 * @param index       position in {@link CgroupLayout#hierarchies()}, used to index per-process paths
 * @param name        directory name under the cgroup root ({@code memory}, {@code cpu,cpuacct},
 *                    {@code systemd}); "" for a pure v2 root, {@code unified} for the hybrid v2 part
 * @param dir         the mounted directory under {@code ${sysfs}/fs/cgroup}
 * @param controllers v1 controllers it carries ({@code name=systemd} for a named hierarchy); empty for v2
 * @param unified     true for the v2 hierarchy
 */
public record Hierarchy(int index, String name, Path dir, Set<String> controllers, boolean unified) {
    public boolean has(String controller) {
        return controllers.contains(controller);
    }

    /** The directory of a normalised cgroup path in this hierarchy. */
    public Path resolve(String cgroupPath) {
        String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return rel.isEmpty() ? dir : dir.resolve(rel);
    }
}
