package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.Links;
import dev.nscope.host.Pids;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcCgroup;
import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcSystemStat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scanner finds out about the host once, before its first pass: the host's namespaces, the
 * agent's own process (its pid, whether it may ptrace, whether it shares the procfs's pid namespace)
 * and, when the agent runs in a cgroup namespace of its own, where that namespace's root is in the
 * real tree. What it cannot find out becomes a warning of the snapshot. Reads files the one way the
 * scan does ({@link FileBytes}, {@link Links}).
 */
final class HostDiscovery {
    /** capability(7) number of CAP_SYS_PTRACE, a bit of CapEff. */
    private static final int CAP_SYS_PTRACE = 19;

    private final HostPaths paths;
    private final CgroupLayout layout;
    private final ProcessTable table;
    private final FileBytes buf = new FileBytes();
    private final Links links = new Links();

    HostDiscovery(HostPaths paths, CgroupLayout layout, ProcessTable table) {
        this.paths = paths;
        this.layout = layout;
        this.table = table;
    }

    /** What was found: the host's namespaces, and what could not be found as warnings. */
    record Host(Namespaces namespaces, List<String> warnings) {
    }

    /**
     * The host's namespaces (from PID 1, else a kernel thread, else the agent itself for the pid namespace)
     * and, when the agent runs in a cgroup namespace of its own, its root, set on the process table.
     */
    Host discover() {
        List<String> warnings = new ArrayList<>();
        Namespaces ns = table.readNamespaces(1, new ErrorCounts());
        // kernel threads live in the initial namespaces: kthreadd, and a few more in case one is hidden
        for (int pid : new int[] {2, 3, 4, 5, 6}) {
            ns = ns.orElse(table.readNamespaces(pid, new ErrorCounts()));
        }
        // the agent itself is in the host's pid namespace when the procfs is its own pid namespace's (hostPID):
        // for the other types its namespaces may be its pod's, so they are not taken from it
        int self = selfPid();
        Namespaces own = self > 0 ? table.readNamespaces(self, new ErrorCounts()) : Namespaces.none();
        if (!ns.known(NamespaceType.PID) && own.known(NamespaceType.PID) && selfInProcfsPidNamespace(self)) {
            long[] inodes = new long[NamespaceType.all().length];
            inodes[NamespaceType.PID.ordinal()] = own.get(NamespaceType.PID);
            ns = ns.orElse(Namespaces.of(inodes));
        }
        List<String> unknown = new ArrayList<>();
        for (NamespaceType t : NamespaceType.all()) {
            if (!ns.known(t)) {
                unknown.add(t.link());
            }
        }
        if (!unknown.isEmpty()) {
            warnings.add("host namespaces " + unknown + " unknown: the links of pid 1 and the kernel threads could not be read "
                    + "(the agent needs CAP_SYS_PTRACE); no container is judged to share them");
        }
        long selfCgroupNs = own.get(NamespaceType.CGROUP);
        long hostCgroupNs = ns.get(NamespaceType.CGROUP);
        if (selfCgroupNs != Namespaces.UNKNOWN && hostCgroupNs != Namespaces.UNKNOWN && selfCgroupNs != hostCgroupNs) {
            CgroupNamespaceRoots roots = CgroupNamespaceRoots.discover(layout, self, rootCgroupPaths());
            table.setRoots(roots);
            if (!roots.unresolved().isEmpty()) {
                warnings.add("agent runs in its own cgroup namespace and its root was not found in " + roots.unresolved()
                        + ": cgroup paths there are taken from the real root");
            }
        }
        return new Host(ns, List.copyOf(warnings));
    }

    /** The agent's pid in the scanned procfs ({@code self}); -1 in a tree that is not a live procfs. */
    int selfPid() {
        try {
            return Pids.parse(links.readlink(paths.proc("self")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** True when the agent's effective capabilities hold CAP_SYS_PTRACE (or cannot be read: no claim then). */
    boolean selfHasPtrace() {
        ProcStatus s = selfStatus(selfPid());
        return s == null || s.capEff() < 0 || (s.capEff() & (1L << CAP_SYS_PTRACE)) != 0;
    }

    /** True when the agent's NSpid has a single entry: its pid namespace is the scanned procfs's. */
    private boolean selfInProcfsPidNamespace(int self) {
        ProcStatus s = selfStatus(self);
        return s != null && s.nsPid() != null && s.nsPid().length == 1;
    }

    private ProcStatus selfStatus(int self) {
        if (self <= 0) {
            return null;
        }
        try {
            buf.read(paths.pidFile(self, "status"));
            return ProcStatus.parse(buf.data(), buf.length());
        } catch (IOException e) {
            return null;
        }
    }

    /** The cgroup paths (as the agent reads them) of a process in the real root cgroup: pid 2, else pid 1. */
    private String[] rootCgroupPaths() {
        for (int pid : new int[] {2, 1}) {
            try {
                buf.read(paths.pidFile(pid, "cgroup"));
                String[] out = new String[layout.hierarchies().size()];
                for (ProcCgroup.Entry e : ProcCgroup.parse(buf.data(), buf.length())) {
                    Hierarchy h = layout.forLine(e.hierarchyId(), e.controllers());
                    if (h != null) {
                        out[h.index()] = e.path();
                    }
                }
                return out;
            } catch (IOException e) {
                // try the next
            }
        }
        return null;
    }

    /** The kernel's boot time ({@code btime} of {@code stat}) in seconds since the epoch; -1 when it cannot be read. */
    long bootSeconds() {
        try {
            buf.read(paths.proc("stat"));
            return ProcSystemStat.bootTimeSeconds(buf.data(), buf.length());
        } catch (IOException e) {
            return -1;
        }
    }

    /** A one-line file of the procfs ({@code sys/kernel/hostname}), trimmed; null when absent or empty. */
    String readLine(String relative) {
        try {
            buf.read(paths.proc(relative));
            String s = new String(buf.data(), 0, buf.length(), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }
}
