package dev.nscope.cgroup;

import dev.nscope.proc.ProcCgroup;

import java.util.Arrays;
import java.util.List;

/**
 * A process's cgroup in each mounted hierarchy, normalised to the real root (see
 * {@link CgroupNamespaceRoots}); null for a hierarchy the process's file does not name. Immutable and
 * shared: processes with the same {@code /proc/<pid>/cgroup} content share one instance.
 */
public final class CgroupPaths {
    private final String[] paths;
    private final String naming;

    private CgroupPaths(String[] paths, String naming) {
        this.paths = paths;
        this.naming = naming;
    }

    public static CgroupPaths of(List<ProcCgroup.Entry> entries, CgroupLayout layout, CgroupNamespaceRoots roots) {
        String[] p = new String[layout.hierarchies().size()];
        for (ProcCgroup.Entry e : entries) {
            Hierarchy h = layout.forLine(e.hierarchyId(), e.controllers());
            if (h != null) {
                p[h.index()] = roots.normalize(h, e.path());
            }
        }
        String naming = null;
        for (Hierarchy h : layout.namingOrder()) {
            if (p[h.index()] != null) {
                naming = p[h.index()];
                break;
            }
        }
        return new CgroupPaths(p, naming);
    }

    /** The path in the first hierarchy of {@link CgroupLayout#namingOrder()} that names one, or null. */
    public String naming() {
        return naming;
    }

    /** The path in a hierarchy, or null. */
    public String get(Hierarchy h) {
        return h == null ? null : paths[h.index()];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CgroupPaths c && Arrays.equals(paths, c.paths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(paths);
    }

    @Override
    public String toString() {
        return Arrays.toString(paths);
    }
}
