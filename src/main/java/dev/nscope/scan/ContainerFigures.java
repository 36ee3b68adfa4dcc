package dev.nscope.scan;

import dev.nscope.cgroup.CgroupStatsReader;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.container.ProcessGroup;
import dev.nscope.proc.NamespaceType;

import java.util.function.Function;

/**
 * A container's cgroup figures and traffic for one pass: read in full, read again at an idle container's
 * refresh turn (its CPU counters carried), or carried over whole with only the network counters read
 * (an idle container between its turns), as {@link PassMemory} decides.
 */
final class ContainerFigures {
    private final CgroupStatsReader stats;

    ContainerFigures(CgroupStatsReader stats) {
        this.stats = stats;
    }

    /** What this pass does with the figures of a container. */
    enum Read { FULL, REFRESH, CARRY }

    ContainerStats figures(ProcessGroup<ProcessInfo> g, String cgroupPath, Read how, PassMemory memory,
                           PassMemory.Container carried, ThisPass pass) {
        if (how == Read.CARRY) {
            ContainerStats before = carried.figures;
            return new ContainerStats(before.cpu(), before.memory(), before.io(), before.pids(), before.pressure(), network(g, pass));
        }
        ProcessInfo ref = reference(g);
        if (ref == null || ref.cgroups() == null || cgroupPath == null || !ownsItsCgroup(g, cgroupPath, pass)) {
            ContainerStats.Network net = network(g, pass);
            ContainerStats none = net == null ? ContainerStats.NONE : new ContainerStats(null, null, null, null, null, net);
            memory.read(carried, null, none);
            return none;
        }
        String segment = cgroupPath.substring(cgroupPath.lastIndexOf('/') + 1);
        Function<Hierarchy, String> pathOf = h -> {
            String p = ref.cgroups().get(h);
            if (p == null || g.claim() == null) {
                return p;
            }
            // the container's own scope, not a sub-cgroup it made for itself
            int i = p.indexOf("/" + segment);
            return i < 0 ? p : p.substring(0, i + 1 + segment.length());
        };
        boolean refresh = how == Read.REFRESH;
        ContainerStats read = stats.read(pathOf, networkPid(g, pass), pass.errors(), memory.cgroupRead(carried, refresh),
                refresh ? carried.figures.cpu() : null);
        memory.read(carried, stats.activityDir(pathOf), read);
        return read;
    }

    /** A runtime's container owns its scope; a sandbox only a cgroup no process outside it is in (else the figures are others' too). */
    private static boolean ownsItsCgroup(ProcessGroup<ProcessInfo> g, String cgroupPath, ThisPass pass) {
        if (g.claim() != null) {
            return true;
        }
        int here = pass.processesByPath().getOrDefault(cgroupPath, 0);
        long ours = g.members().stream().filter(p -> cgroupPath.equals(namingPath(p))).count();
        return !cgroupPath.equals("/") && here == ours;
    }

    private ContainerStats.Network network(ProcessGroup<ProcessInfo> g, ThisPass pass) {
        int pid = networkPid(g, pass);
        return pid > 0 ? stats.readNetwork(pid, pass.errors()) : null;
    }

    /** The member whose {@code net/dev} is the container's to report: 0 when the namespace is not its own to report. */
    private static int networkPid(ProcessGroup<ProcessInfo> g, ThisPass pass) {
        if (!pass.networkOwners().contains(g.id())) {
            return 0;
        }
        long net = g.namespaces().get(NamespaceType.NET);
        if (g.pid1() != null && g.pid1().namespaces().get(NamespaceType.NET) == net) {
            return g.pid1().pid();
        }
        for (ProcessInfo p : g.members()) {
            if (!p.zombie() && p.namespaces().get(NamespaceType.NET) == net) {
                return p.pid();
            }
        }
        return 0;
    }

    /** PID 1, or the first member that still has a cgroup (zombies have left theirs). */
    static ProcessInfo reference(ProcessGroup<ProcessInfo> g) {
        if (g.pid1() != null && g.pid1().cgroups() != null) {
            return g.pid1();
        }
        for (ProcessInfo p : g.members()) {
            if (!p.zombie() && p.cgroups() != null) {
                return p;
            }
        }
        return null;
    }

    /** The claimed scope, or for a sandbox the cgroup of its PID 1 (or first member). */
    static String cgroupPath(ProcessGroup<ProcessInfo> g) {
        if (g.claim() != null) {
            return g.claim().scopePath();
        }
        ProcessInfo p = reference(g);
        return p == null ? null : namingPath(p);
    }

    /** A process's cgroup in the first hierarchy of the naming order that names one. */
    static String namingPath(ProcessInfo p) {
        return p.cgroups() == null ? null : p.cgroups().naming();
    }
}
