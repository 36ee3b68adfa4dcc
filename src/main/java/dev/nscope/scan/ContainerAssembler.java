package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupStatsReader;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.cgroup.ResourceFacts;
import dev.nscope.cgroup.ResourceRules;
import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.HostNamespaceRule;
import dev.nscope.container.NamespaceFacts;
import dev.nscope.container.ProcessGroup;
import dev.nscope.host.ErrorCounts;
import dev.nscope.pid1.Pid1Analyzer;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.pid1.Pid1Result;
import dev.nscope.pid1.Signals;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.ProcStat;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns one group of processes into a {@link ContainerSnapshot}: identity and metadata, PID 1 and its
 * health, process counts, cgroup figures, and the findings of the PID-1, namespace and resource rules.
 * Keeps what the rules compare across scans: each container's previous figures, and the PID-1 looks.
 */
final class ContainerAssembler {
    private final CgroupLayout layout;
    private final ProcessTable table;
    private final CgroupStatsReader stats;
    private final ResourceThresholds thresholds;
    private final List<HostNamespaceRule> namespaceRules;
    private final List<FindingRule<ResourceFacts>> resourceRules;
    private final Pid1Reader pid1Reader;
    private final Pid1Analyzer pid1Analyzer;
    private final boolean commandLines;
    private Map<String, ContainerStats> previous = new HashMap<>();
    private Map<String, ContainerStats> current = new HashMap<>();
    /** Keys ("runtime/id") of the containers assembled in this pass. */
    private Set<String> seen = new HashSet<>();
    /** Passes an idle container may go without its cgroup figures read again. */
    static final int IDLE_REFRESH = 6;
    /** Per container: where its CPU usage is read, the usage at its last cgroup read, and that pass. */
    private record Activity(String dir, Double usage, long readPass) {
    }
    private Map<String, Activity> activity = new HashMap<>();
    private Map<String, Activity> nextActivity = new HashMap<>();
    private Set<String> idle = Set.of();
    /** The idle containers whose turn it is to have their cgroup figures read again. */
    private Set<String> refreshing = Set.of();
    private Map<String, Members> lastMembers = new HashMap<>();
    private Map<String, Members> nextMembers = new HashMap<>();
    private Map<String, Pid1Facts> lastFacts = new HashMap<>();
    private Map<String, Pid1Facts> nextFacts = new HashMap<>();
    private long pass;

    ContainerAssembler(CgroupLayout layout, ProcessTable table, CgroupStatsReader stats, Pid1Reader pid1Reader,
                       ScanOptions options) {
        Set<String> disabledRules = options.disabledRules();
        this.layout = layout;
        this.table = table;
        this.stats = stats;
        this.thresholds = options.thresholds();
        this.pid1Reader = pid1Reader;
        this.commandLines = options.commandLines();
        this.pid1Analyzer = new Pid1Analyzer(options.zombieGrace(), disabledRules);
        this.namespaceRules = HostNamespaceRule.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
        this.resourceRules = ResourceRules.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
    }

    /** Ends a pass: the figures read in it become the "previous" of the next; gone containers are forgotten. */
    void endPass() {
        previous = current;
        current = new HashMap<>();
        pid1Analyzer.retain(seen);
        seen = new HashSet<>();
        activity = nextActivity;
        nextActivity = new HashMap<>();
        lastFacts = nextFacts;
        nextFacts = new HashMap<>();
        lastMembers = nextMembers;
        nextMembers = new HashMap<>();
    }

    /**
     * Before the processes are read: the containers of the last pass that have not run since (their CPU
     * usage is what it was at their last read). A process can change its state, threads, parent or signal
     * masks only by running, and its CPU counters only move when it runs; so for an idle container the
     * last pass's reading stands, and its processes' {@code stat}, its cgroup files and PID 1's files are
     * not read. Three things can change without the container running: traffic arriving (its network
     * counters are read every pass), what the kernel does to it (page cache reclaimed, dirty pages written
     * back, pressure of a task blocked on IO) and its limits; so every {@link #IDLE_REFRESH} passes, on a
     * turn of its own so that the work spreads over the passes, an idle container has its cgroup figures
     * and limits read again, still without its processes.
     */
    Set<String> probeIdle(ErrorCounts errors) {
        pass++;
        Set<String> out = new HashSet<>();
        Set<String> due = new HashSet<>();
        for (Map.Entry<String, Activity> e : activity.entrySet()) {
            Activity a = e.getValue();
            if (a.usage() == null) {
                continue;
            }
            Double now = stats.cpuUsage(a.dir(), errors);
            if (a.usage().equals(now)) {
                out.add(e.getKey());
                if (Math.floorMod(pass + e.getKey().hashCode(), IDLE_REFRESH) == 0 || pass - a.readPass() >= IDLE_REFRESH) {
                    due.add(e.getKey());
                }
            }
        }
        idle = out;
        refreshing = due;
        return out;
    }

    ContainerSnapshot assemble(ProcessGroup<ProcessInfo> g, ContainerMetadata md, PassContext ctx) {
        String name = md.name() != null ? md.name() : g.claim() != null ? g.claim().name() : null;
        String podUid = g.claim() != null && g.claim().podUid() != null ? g.claim().podUid() : md.podUid();
        KubernetesRef k8s = podUid == null && md.podName() == null ? null
                : new KubernetesRef(podUid, md.podName(), md.podNamespace(), md.containerName());

        ProcessInfo pid1 = g.pid1();
        String key = g.runtime().label() + "/" + g.id();
        boolean quiet = idle.contains(key) && previous.containsKey(key);
        for (ProcessInfo p : g.members()) {
            p.containerKey = key;
        }
        Members members = quiet ? lastMembers.get(key) : null;
        if (members == null || !members.same(g.members())) {
            members = members(g.members(), pid1);
        }
        nextMembers.put(key, members);
        List<Pid1Facts.Child> children = members.children();
        int otherZombies = members.otherZombies();

        String cgroupPath = cgroupPath(g);
        boolean refresh = quiet && refreshing.contains(key);
        ContainerStats figures = !quiet ? readStats(g, key, cgroupPath, null, ctx)
                : refresh ? readStats(g, key, cgroupPath, previous.get(key).cpu(), ctx) : sameAsBefore(g, previous.get(key), ctx);
        seen.add(key);
        if (quiet && !refresh) {
            nextActivity.put(key, activity.get(key));
        }
        if (figures != ContainerStats.NONE) {
            current.put(key, figures);
        }

        List<Finding> findings = new ArrayList<>();
        Pid1Info pid1Info = null;
        if (pid1 != null) {
            ContainerStats.Pids pids = figures.pids();
            Pid1Facts known = lastFacts.get(key);
            Pid1Facts facts = quiet && known != null && known.pid() == pid1.pid() && known.startTime() == pid1.startTime() ? known
                    : pid1Reader.read(pid1.pid(), pid1.startTime(), pid1.stat().comm(), table.exe(pid1),
                            Signals.stopSignalOrTerm(md.stopSignal()), table.takeStatusOfPass(pid1), ctx.errors())
                    .withChildren(children, otherZombies)
                    .withPids(pids == null ? null : pids.limit(), pids == null ? null : pids.current());
            nextFacts.put(key, facts);
            Pid1Result r = pid1Analyzer.analyze(key, facts, ctx.nowNanos());
            pid1Info = new Pid1Info(pid1.pid(), pid1.stat().comm(), facts.exe(), r.initKind(), r.catchesSigterm(), r.liveChildren());
            findings.addAll(r.findings());
        }
        NamespaceFacts nsFacts = new NamespaceFacts(g.runtime(), g.namespaces(), ctx.host(), pid1 != null);
        for (HostNamespaceRule r : namespaceRules) {
            r.check(nsFacts).ifPresent(findings::add);
        }
        ResourceFacts resFacts = new ResourceFacts(figures, previous.get(key), thresholds);
        for (FindingRule<ResourceFacts> r : resourceRules) {
            r.check(resFacts).ifPresent(findings::add);
        }
        return new ContainerSnapshot(g.id(), g.runtime(), name, md.image(), k8s, cgroupPath, g.namespaces(), pid1Info,
                members.summary(), figures, List.copyOf(findings), members.list());
    }

    /**
     * A container's processes as the snapshot lists them, with what PID 1's rules take from them; kept
     * for the next pass, where an idle container whose processes are the same (the process table hands
     * out the same {@code stat} while they do not run) takes it as it is.
     */
    private record Members(ProcStat[] stats, List<ProcessEntry> list, ProcessSummary summary, List<Pid1Facts.Child> children,
                           int otherZombies) {
        boolean same(List<ProcessInfo> now) {
            if (now.size() != stats.length) {
                return false;
            }
            for (int i = 0; i < stats.length; i++) {
                if (now.get(i).stat() != stats[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private Members members(List<ProcessInfo> processes, ProcessInfo pid1) {
        ProcStat[] stats = new ProcStat[processes.size()];
        List<ProcessEntry> list = new ArrayList<>(processes.size());
        Map<String, Integer> byState = new TreeMap<>();
        int threads = 0;
        int zombies = 0;
        List<Pid1Facts.Child> children = new ArrayList<>();
        int otherZombies = 0;
        for (int i = 0; i < stats.length; i++) {
            ProcessInfo p = processes.get(i);
            ProcStat s = p.stat();
            stats[i] = s;
            // off (the default): no cmdline is opened at all
            List<String> cmdline = commandLines ? table.cmdline(p) : null;
            list.add(new ProcessEntry(p.pid(), p.innermostPid(), s.ppid(), s.state(), s.comm(), s.numThreads(), p.startTime(),
                    cmdline));
            byState.merge(stateName(s.state()), 1, Integer::sum);
            threads += s.numThreads();
            boolean zombie = Pid1Facts.isZombie(s.state(), s.numThreads());
            if (zombie) {
                zombies++;
            }
            if (pid1 != null && s.ppid() == pid1.pid()) {
                children.add(Pid1Reader.child(s));
            } else if (zombie) {
                otherZombies++;
            }
        }
        return new Members(stats, List.copyOf(list), new ProcessSummary(list.size(), threads, zombies, byState),
                children, otherZombies);
    }

    private static final String[] STATE_NAMES = new String[128];

    static {
        for (char c = 0; c < STATE_NAMES.length; c++) {
            STATE_NAMES[c] = String.valueOf(c);
        }
    }

    /** The state letter as a string, without a new one per process and pass. */
    private static String stateName(char state) {
        return state < STATE_NAMES.length ? STATE_NAMES[state] : String.valueOf(state);
    }

    /** An idle container's figures: the last read's, with its network counters read again. */
    private ContainerStats sameAsBefore(ProcessGroup<ProcessInfo> g, ContainerStats before, PassContext ctx) {
        int netPid = ctx.networkOwners().contains(g.id()) ? networkPid(g) : 0;
        ContainerStats.Network net = netPid > 0 ? stats.readNetwork(netPid, ctx.errors()) : null;
        return new ContainerStats(before.cpu(), before.memory(), before.io(), before.pids(), before.pressure(), net);
    }

    /**
     * The cgroup figures: a runtime's container reads its scope in every hierarchy; a sandbox only when
     * it has its cgroup to itself (else the figures would be someone else's too). {@code idleCpu}: the CPU
     * figures of an idle container at its refresh turn, carried over (null: read them).
     */
    private ContainerStats readStats(ProcessGroup<ProcessInfo> g, String key, String cgroupPath, ContainerStats.Cpu idleCpu,
                                     PassContext ctx) {
        ProcessInfo ref = reference(g);
        int netPid = ctx.networkOwners().contains(g.id()) ? networkPid(g) : 0;
        if (ref == null || ref.cgroups() == null || cgroupPath == null) {
            return netPid > 0 ? new ContainerStats(null, null, null, null, null, stats.readNetwork(netPid, ctx.errors()))
                    : ContainerStats.NONE;
        }
        if (g.claim() == null) {
            int here = ctx.processesByPath().getOrDefault(cgroupPath, 0);
            long ours = g.members().stream().filter(p -> cgroupPath.equals(namingPath(p))).count();
            if (cgroupPath.equals("/") || here != ours) {
                return netPid > 0 ? new ContainerStats(null, null, null, null, null, stats.readNetwork(netPid, ctx.errors()))
                        : ContainerStats.NONE;
            }
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
        // a container that was idle since its last full read has its limits read again too
        Activity last = activity.get(key);
        boolean wasIdle = last != null && last.readPass() < pass - 1;
        ContainerStats read = idleCpu != null ? stats.readIdle(pathOf, netPid, ctx.errors(), idleCpu)
                : stats.read(pathOf, netPid, ctx.errors(), wasIdle);
        String dir = stats.activityDir(pathOf);
        if (dir != null && read.cpu() != null && read.cpu().usageSeconds() != null) {
            nextActivity.put(key, new Activity(dir, read.cpu().usageSeconds(), pass));
        }
        return read;
    }

    /** PID 1, or the first member that still has a cgroup (zombies have left theirs). */
    private static ProcessInfo reference(ProcessGroup<ProcessInfo> g) {
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

    /** A live member in the container's network namespace, PID 1 first; 0 when none. */
    private static int networkPid(ProcessGroup<ProcessInfo> g) {
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

    /** The claimed scope, or for a sandbox the cgroup of its PID 1 (or first member). */
    private String cgroupPath(ProcessGroup<ProcessInfo> g) {
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

    /** Starts a pass. */
    /** PID 1s of this pass whose wait could not be read for lack of ptrace rights. */
    int pid1WaitDenied() {
        return pid1Reader.waitDenied();
    }

    void beginPass() {
        stats.beginPass();
        pid1Reader.beginPass();
    }
}
