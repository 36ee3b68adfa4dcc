package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.CgroupStatsReader;
import dev.nscope.container.CgroupPathRecognizer;
import dev.nscope.container.ContainerGrouper;
import dev.nscope.container.ContainerKey;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.ProcessGroup;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.container.RuntimeMetadataReader;
import dev.nscope.host.ClockTicks;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;

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
 * the endpoint, the CLI) reads the snapshot. A pass goes: the pass memory probes which containers ran
 * ({@link PassMemory}), the process table lists {@code /proc} and reads what is new or due
 * ({@link ProcessTable}), the grouper makes containers of the processes ({@link ContainerGrouper}), the
 * runtimes' metadata names them, and each is assembled from this pass's reads and what the memory
 * carries ({@link ContainerAssembler}). What the host is (its namespaces, the agent's cgroup-namespace
 * root) is found once ({@link HostDiscovery}). A process that vanishes mid-scan, an unreadable link or
 * a malformed file is counted by kind in the snapshot and skipped: a scan never throws because of what
 * it read. Not thread-safe: one thread scans (the scheduler, or the CLI).
 */
public final class Scanner {
    /** Most members a container without a PID 1 has its namespace links read for, to take their majority. */
    static final int MAJORITY_SAMPLE = 16;

    private final CgroupLayout layout;
    private final PassMemory memory = new PassMemory();
    private final ProcessTable table;
    private final CgroupStatsReader stats;
    private final ContainerAssembler assembler;
    private final RuntimeMetadataReader metadata;
    private final HostDiscovery discovery;
    private final Clock clock;
    private final NodeFacts nodeFacts;
    private HostDiscovery.Host host;
    private String kernel;
    private StartTimes starts = StartTimes.UNKNOWN;

    public Scanner(HostPaths paths, ScanOptions options) {
        paths.validate();
        this.clock = options.clock();
        this.nodeFacts = options.nodeFacts();
        this.layout = CgroupLayout.detect(paths.cgroupRoot());
        this.metadata = new RuntimeMetadataReader(options.runtimeDirs());
        this.table = new ProcessTable(paths, layout, CgroupNamespaceRoots.identity(layout), CgroupPathRecognizer.defaults(), memory);
        this.stats = new CgroupStatsReader(paths, layout, ClockTicks.perSecond());
        this.assembler = new ContainerAssembler(table, new ContainerFigures(stats), new Pid1Reader(paths),
                new ContainerIsolation(paths, layout, options.runtimeDirs()), options);
        this.discovery = new HostDiscovery(paths, layout, table);
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
        if (host == null) {
            host = discovery.discover();
            kernel = discovery.readLine("sys/kernel/osrelease");
            starts = new StartTimes(discovery.bootSeconds(), ClockTicks.perSecond());
            table.kernel(kernel);
        }
        memory.beginPass(stats, errors);
        assembler.beginPass();
        List<ProcessInfo> processes = table.refresh(errors);
        List<ProcessGroup<ProcessInfo>> groups = completeNamespaces(ContainerGrouper.group(processes, host.namespaces()), errors);
        long now = System.nanoTime();
        List<ContainerMetadata> mds = new ArrayList<>(groups.size());
        for (ProcessGroup<ProcessInfo> g : groups) {
            mds.add(g.claim() == null ? ContainerMetadata.EMPTY
                    : memory.metadata(new ContainerKey(g.runtime(), g.id()), g.claim(), now, metadata, errors));
        }
        ThisPass pass = new ThisPass(host.namespaces(), now, errors, networkOwners(groups, mds), processesByPath(processes),
                starts);
        List<ContainerSnapshot> containers = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            containers.add(assembler.assemble(groups.get(i), mds.get(i), pass, memory));
        }
        assembler.endPass(memory.endPass(System.nanoTime()));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        NodeInfo node = new NodeInfo(discovery.readLine("sys/kernel/hostname"), kernel, nodeFacts, layout.version(), clock.instant(),
                millis, processes.size(), host.namespaces(), errors.snapshot(),
                warnings(table.namespacesDenied(processes), assembler.pid1WaitDenied()));
        return new ScanSnapshot(node, List.copyOf(containers));
    }

    /**
     * The namespaces of a container come from its PID 1, whose links are read with it; a container without
     * a PID 1 (or whose PID 1's links could not all be read) takes its members' majority, so their links
     * are read now (they are not read for every process: see {@link NamespaceLinks#needed}).
     */
    private List<ProcessGroup<ProcessInfo>> completeNamespaces(List<ProcessGroup<ProcessInfo>> groups, ErrorCounts errors) {
        List<ProcessGroup<ProcessInfo>> out = new ArrayList<>(groups.size());
        for (ProcessGroup<ProcessInfo> g : groups) {
            ProcessInfo pid1 = g.pid1();
            if (pid1 != null && allKnown(pid1.namespaces())) {
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
        long hostNet = host.namespaces().get(NamespaceType.NET);
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

    private static Map<String, Integer> processesByPath(List<ProcessInfo> processes) {
        Map<String, Integer> m = new HashMap<>();
        for (ProcessInfo p : processes) {
            String path = ContainerFigures.namingPath(p);
            if (path != null) {
                m.merge(path, 1, Integer::sum);
            }
        }
        return m;
    }

    /** What this agent could not read at all, so does not judge: the start's findings and this pass's refusals. */
    private List<String> warnings(int namespacesDenied, int pid1WaitDenied) {
        if (namespacesDenied == 0 && pid1WaitDenied == 0) {
            return host.warnings();
        }
        List<String> w = new ArrayList<>(host.warnings());
        String cause = discovery.selfHasPtrace() ? "refused by the kernel's security policy (AppArmor, SELinux or Yama)"
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
}
