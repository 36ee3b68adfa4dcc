package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.cgroup.CgroupStatsReader;
import dev.nscope.container.CgroupPathRecognizer;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.ContainerGrouper;
import dev.nscope.container.ProcessGroup;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.container.RuntimeMetadataReader;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.ClockTicks;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.host.HostPaths;
import dev.nscope.host.Pids;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcCgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass over the host: {@code /proc} and the cgroup tree in, an immutable {@link ScanSnapshot} out.
 *
 * <p>Design note. The scanner is the only code that reads the host; everything downstream (metrics,
 * the endpoint, the CLI) reads the snapshot. A pass reads each process's {@code stat} and
 * {@code cgroup} once, and its {@code status} and namespace links only when it is new (see
 * {@link ProcessTable}); the cgroup layout, the agent's cgroup-namespace root and the host's
 * namespaces are found once. A process that vanishes mid-scan, an unreadable link or a malformed file
 * is counted by kind in the snapshot and skipped: a scan never throws because of what it read.
 * Not thread-safe: one thread scans (the scheduler, or the CLI).
 */
public final class Scanner {
    private final HostPaths paths;
    private final CgroupLayout layout;
    private final ProcessTable table;
    private final ContainerAssembler assembler;
    private final RuntimeMetadataReader metadata;
    private final Clock clock;
    private final NodeFacts nodeFacts;
    private final List<String> startWarnings = new ArrayList<>();
    private Namespaces hostNamespaces;
    private boolean rootsResolved;

    public Scanner(HostPaths paths, ScanOptions options) {
        paths.validate();
        this.paths = paths;
        this.clock = options.clock();
        this.nodeFacts = options.nodeFacts();
        this.layout = CgroupLayout.detect(paths.cgroupRoot());
        this.metadata = new RuntimeMetadataReader(options.runtimeDirs());
        this.table = new ProcessTable(paths, layout, CgroupNamespaceRoots.identity(layout), CgroupPathRecognizer.defaults());
        this.assembler = new ContainerAssembler(layout, table, new CgroupStatsReader(paths, layout, ClockTicks.perSecond()),
                new Pid1Reader(paths), options);
    }

    public Scanner(HostPaths paths, RuntimeDirs runtimeDirs) {
        this(paths, ScanOptions.defaults().withRuntimeDirs(runtimeDirs));
    }

    public Scanner(HostPaths paths) {
        this(paths, ScanOptions.defaults());
    }

    public CgroupLayout layout() {
        return layout;
    }

    public synchronized ScanSnapshot scan() {
        long t0 = System.nanoTime();
        ErrorCounts errors = new ErrorCounts();
        if (!rootsResolved) {
            resolveHost(errors);
        }
        assembler.beginPass();
        List<ProcessInfo> processes = table.refresh(errors, assembler.probeIdle(errors));
        List<ProcessGroup<ProcessInfo>> groups = completeNamespaces(ContainerGrouper.group(processes, hostNamespaces), errors);
        long now = System.nanoTime();
        List<ContainerMetadata> mds = new ArrayList<>(groups.size());
        Set<String> live = new HashSet<>();
        for (ProcessGroup<ProcessInfo> g : groups) {
            mds.add(g.claim() == null ? ContainerMetadata.EMPTY : metadata.lookup(g.claim(), now, errors));
            live.add(g.runtime().label() + "/" + g.id());
        }
        metadata.retain(live);
        PassContext ctx = new PassContext(hostNamespaces, now, errors, networkOwners(groups, mds), processesByPath(processes));
        List<ContainerSnapshot> containers = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            containers.add(assembler.assemble(groups.get(i), mds.get(i), ctx));
        }
        assembler.endPass();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        NodeInfo node = new NodeInfo(readLine("sys/kernel/hostname"), readLine("sys/kernel/osrelease"), nodeFacts,
                layout.version(), clock.instant(), millis, processes.size(), hostNamespaces, errors.snapshot(),
                warnings(table.namespacesDenied(processes), assembler.pid1WaitDenied()));
        return new ScanSnapshot(node, List.copyOf(containers));
    }

    /** Most members a container without a PID 1 has its namespace links read for, to take their majority. */
    static final int MAJORITY_SAMPLE = 16;

    /**
     * The namespaces of a container come from its PID 1, whose links are read with it; a container without
     * a PID 1 (or whose PID 1's links could not all be read) takes its members' majority, so their links
     * are read now (they are not read for every process: see {@link ProcessTable#linksNeeded}).
     */
    private List<ProcessGroup<ProcessInfo>> completeNamespaces(List<ProcessGroup<ProcessInfo>> groups, ErrorCounts errors) {
        List<ProcessGroup<ProcessInfo>> out = new ArrayList<>(groups.size());
        for (ProcessGroup<ProcessInfo> g : groups) {
            ProcessInfo pid1 = g.pid1();
            boolean complete = pid1 != null && allKnown(pid1.namespaces());
            if (complete) {
                out.add(g);
                continue;
            }
            int n = 0;
            for (ProcessInfo p : g.members()) {
                if (p != pid1 && !p.zombie() && n++ < MAJORITY_SAMPLE) {
                    table.completeNamespaces(p, errors);
                }
            }
            out.add(new ProcessGroup<>(g.runtime(), g.id(), g.claim(), g.members(), pid1,
                    ContainerGrouper.namespaces(g.members(), pid1)));
        }
        return out;
    }

    private static boolean allKnown(Namespaces ns) {
        for (NamespaceType t : NamespaceType.all()) {
            if (!ns.known(t)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One reporter per network namespace that is not the host's: the containers of a pod share one,
     * and it is the pod sandbox's to report (else the container whose PID 1 started first).
     */
    private Set<String> networkOwners(List<ProcessGroup<ProcessInfo>> groups, List<ContainerMetadata> mds) {
        long hostNet = hostNamespaces.get(NamespaceType.NET);
        Map<Long, Integer> owner = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            ProcessGroup<ProcessInfo> g = groups.get(i);
            long net = g.namespaces().get(NamespaceType.NET);
            if (net == Namespaces.UNKNOWN || net == hostNet) {
                continue;
            }
            Integer o = owner.get(net);
            if (o == null || ranksBefore(g, mds.get(i), groups.get(o), mds.get(o))) {
                owner.put(net, i);
            }
        }
        Set<String> out = new HashSet<>();
        owner.values().forEach(i -> out.add(groups.get(i).id()));
        return out;
    }

    private static boolean ranksBefore(ProcessGroup<ProcessInfo> a, ContainerMetadata ma, ProcessGroup<ProcessInfo> b,
                                       ContainerMetadata mb) {
        if (ma.podSandbox() != mb.podSandbox()) {
            return ma.podSandbox();
        }
        long sa = a.pid1() == null ? Long.MAX_VALUE : a.pid1().startTime();
        long sb = b.pid1() == null ? Long.MAX_VALUE : b.pid1().startTime();
        return sa < sb;
    }

    private Map<String, Integer> processesByPath(List<ProcessInfo> processes) {
        Map<String, Integer> m = new HashMap<>();
        for (ProcessInfo p : processes) {
            String path = ContainerAssembler.namingPath(p);
            if (path != null) {
                m.merge(path, 1, Integer::sum);
            }
        }
        return m;
    }

    /** What this agent could not read at all, so does not judge: the start's findings and this pass's refusals. */
    private List<String> warnings(int namespacesDenied, int pid1WaitDenied) {
        if (namespacesDenied == 0 && pid1WaitDenied == 0) {
            return List.copyOf(startWarnings);
        }
        List<String> w = new ArrayList<>(startWarnings);
        String cause = selfHasPtrace() ? "refused by the kernel's security policy (AppArmor, SELinux or Yama)"
                : "the agent lacks CAP_SYS_PTRACE";
        if (namespacesDenied > 0) {
            w.add("namespace links of " + namespacesDenied + " processes could not be read (" + cause + "): "
                    + "they are placed by cgroup only and their namespaces are not judged");
        }
        if (pid1WaitDenied > 0) {
            w.add("the wait (syscall) of " + pid1WaitDenied + " PID 1s could not be read (" + cause + "): "
                    + "whether the stop signal reaches them rests on their signal masks and known inits");
        }
        return List.copyOf(w);
    }

    /**
     * The host's namespaces (from PID 1, else the kernel thread pid 2, else the agent itself) and,
     * when the agent runs in a cgroup namespace of its own, where its root is.
     */
    private void resolveHost(ErrorCounts errors) {
        Namespaces ns = table.readNamespaces(1, new ErrorCounts());
        // kernel threads live in the initial namespaces: kthreadd, and a few more in case one is hidden
        for (int pid : new int[] {2, 3, 4, 5, 6}) {
            ns = ns.orElse(table.readNamespaces(pid, new ErrorCounts()));
        }
        // the agent itself is in the host's pid namespace when the procfs is its own pid namespace's (hostPID):
        // for the other types its namespaces may be its pod's, so they are not taken from it
        Namespaces self = selfNamespaces();
        if (!ns.known(NamespaceType.PID) && self.known(NamespaceType.PID) && selfInProcfsPidNamespace()) {
            long[] inodes = new long[NamespaceType.all().length];
            inodes[NamespaceType.PID.ordinal()] = self.get(NamespaceType.PID);
            ns = ns.orElse(Namespaces.of(inodes));
        }
        hostNamespaces = ns;
        List<String> unknown = new ArrayList<>();
        for (NamespaceType t : NamespaceType.all()) {
            if (!ns.known(t)) {
                unknown.add(t.link());
            }
        }
        if (!unknown.isEmpty()) {
            startWarnings.add("host namespaces " + unknown + " unknown: the links of pid 1 and the kernel threads could not be read "
                    + "(the agent needs CAP_SYS_PTRACE); no container is judged to share them");
        }
        rootsResolved = true;
        long selfCgroupNs = selfNamespaces().get(NamespaceType.CGROUP);
        long hostCgroupNs = ns.get(NamespaceType.CGROUP);
        if (selfCgroupNs == Namespaces.UNKNOWN || hostCgroupNs == Namespaces.UNKNOWN || selfCgroupNs == hostCgroupNs) {
            return;
        }
        int selfPid = selfPid();
        String[] kthread = rootCgroupPaths();
        CgroupNamespaceRoots roots = CgroupNamespaceRoots.discover(layout, selfPid, kthread);
        table.setRoots(roots);
        if (!roots.unresolved().isEmpty()) {
            startWarnings.add("agent runs in its own cgroup namespace and its root was not found in " + roots.unresolved()
                    + ": cgroup paths there are taken from the real root");
        }
    }

    private Namespaces selfNamespaces() {
        try {
            String self = Files.readSymbolicLink(paths.procfs().resolve("self")).toString();
            int pid = Pids.parse(self);
            if (pid > 0) {
                return table.readNamespaces(pid, new ErrorCounts());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a live procfs (a fixture tree): no self
        }
        return Namespaces.none();
    }

    /** capability(7) number of CAP_SYS_PTRACE, a bit of CapEff. */
    private static final int CAP_SYS_PTRACE = 19;

    /** True when the agent's effective capabilities hold CAP_SYS_PTRACE (or cannot be read: no claim then). */
    private boolean selfHasPtrace() {
        int pid = selfPid();
        if (pid <= 0) {
            return true;
        }
        try {
            FileBytes b = new FileBytes().read(paths.pidFile(pid, "status"));
            long capEff = dev.nscope.proc.ProcStatus.parse(b.data(), b.length()).capEff();
            return capEff < 0 || (capEff & (1L << CAP_SYS_PTRACE)) != 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** True when the agent's NSpid has a single entry: its pid namespace is the scanned procfs's. */
    private boolean selfInProcfsPidNamespace() {
        int pid = selfPid();
        if (pid <= 0) {
            return false;
        }
        try {
            FileBytes b = new FileBytes().read(paths.pidFile(pid, "status"));
            int[] nsPid = dev.nscope.proc.ProcStatus.parse(b.data(), b.length()).nsPid();
            return nsPid != null && nsPid.length == 1;
        } catch (IOException e) {
            return false;
        }
    }

    private int selfPid() {
        try {
            return Pids.parse(Files.readSymbolicLink(paths.procfs().resolve("self")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** The cgroup paths (as the agent reads them) of a process in the real root cgroup: pid 2, else pid 1. */
    private String[] rootCgroupPaths() {
        for (int pid : new int[] {2, 1}) {
            try {
                FileBytes b = new FileBytes().read(paths.pidFile(pid, "cgroup"));
                String[] out = new String[layout.hierarchies().size()];
                for (ProcCgroup.Entry e : ProcCgroup.parse(b.data(), b.length())) {
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

    private String readLine(String relative) {
        try {
            String s = Files.readString(Path.of(paths.proc(relative))).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

}
