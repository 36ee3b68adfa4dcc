package dev.nscope.scan;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.cgroup.ResourceFacts;
import dev.nscope.cgroup.ResourceRules;
import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.ContainerKey;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.HostNamespaceRule;
import dev.nscope.container.NamespaceFacts;
import dev.nscope.container.ProcessGroup;
import dev.nscope.isolation.IsolationFacts;
import dev.nscope.isolation.IsolationRules;
import dev.nscope.pid1.Pid1Analyzer;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.pid1.Pid1Result;
import dev.nscope.pid1.Signals;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns one group of processes into a {@link ContainerSnapshot}: identity and metadata, PID 1 and its
 * health, what it can reach ({@link ContainerIsolation}), process counts, cgroup figures, and the findings of
 * the PID-1, namespace, resource and isolation rules.
 * It reads this pass's files and takes from {@link PassMemory} what that allows; it keeps no state of
 * its own but the PID-1 analyzer's looks.
 */
final class ContainerAssembler {
    private final ProcessTable table;
    private final ContainerFigures figures;
    private final ResourceThresholds thresholds;
    private final List<HostNamespaceRule> namespaceRules;
    private final List<FindingRule<ResourceFacts>> resourceRules;
    private final Pid1Reader pid1Reader;
    private final Pid1Analyzer<ContainerKey> pid1Analyzer;
    private final ContainerIsolation isolation;
    private final List<FindingRule<IsolationFacts>> isolationRules;
    private final boolean commandLines;

    ContainerAssembler(ProcessTable table, ContainerFigures figures, Pid1Reader pid1Reader, ContainerIsolation isolation,
                       ScanOptions options) {
        Set<String> disabledRules = options.disabledRules();
        this.table = table;
        this.figures = figures;
        this.thresholds = options.thresholds();
        this.pid1Reader = pid1Reader;
        this.commandLines = options.commandLines();
        this.pid1Analyzer = new Pid1Analyzer<>(options.zombieGrace(), disabledRules);
        this.namespaceRules = HostNamespaceRule.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
        this.resourceRules = ResourceRules.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
        this.isolation = isolation;
        this.isolationRules = IsolationRules.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
    }

    ContainerSnapshot assemble(ProcessGroup<ProcessInfo> g, ContainerMetadata md, ThisPass pass, PassMemory memory) {
        String name = md.name() != null ? md.name() : g.claim() != null ? g.claim().name() : null;
        String podUid = g.claim() != null && g.claim().podUid() != null ? g.claim().podUid() : md.podUid();
        KubernetesRef k8s = podUid == null && md.podName() == null ? null
                : new KubernetesRef(podUid, md.podName(), md.podNamespace(), md.containerName());

        ContainerKey key = new ContainerKey(g.runtime(), g.id());
        PassMemory.Container carried = memory.container(key);
        boolean quiet = PassMemory.quiet(carried);
        ProcessInfo pid1 = g.pid1();
        Members members = quiet && carried.members != null && carried.members.same(g.members()) ? carried.members
                : Members.of(g.members(), pid1, commandLines ? table::cmdline : null);
        carried.members = members;

        String cgroupPath = ContainerFigures.cgroupPath(g);
        ContainerFigures.Read how = !quiet ? ContainerFigures.Read.FULL
                : carried.refreshDue ? ContainerFigures.Read.REFRESH : ContainerFigures.Read.CARRY;
        ContainerStats previous = carried.figures;
        ContainerStats stats = figures.figures(g, cgroupPath, how, memory, carried, pass);
        carried.figures = stats == ContainerStats.NONE ? null : stats;
        if (members.files() != null) {
            stats = stats.withFiles(members.files());
        }

        List<Finding> findings = new ArrayList<>();
        Pid1Info pid1Info = null;
        Pid1Facts facts = null;
        if (pid1 != null) {
            Pid1Facts known = carried.pid1;
            boolean same = quiet && known != null && known.identity().equals(pid1.identity());
            facts = same ? known : readPid1(pid1, md, known, members, stats.pids(), pass);
            carried.pid1 = facts;
            Pid1Result r = pid1Analyzer.analyze(key, facts, same, pass.nowNanos());
            pid1Info = new Pid1Info(pid1.pid(), pid1.stat().comm(), facts.exe(), r.initKind(), r.catchesSigterm(), r.liveChildren());
            findings.addAll(r.findings());
        } else {
            carried.pid1 = null;
        }
        NamespaceFacts nsFacts = new NamespaceFacts(g.runtime(), g.namespaces(), pass.host(), pid1 != null);
        for (HostNamespaceRule r : namespaceRules) {
            r.check(nsFacts).ifPresent(findings::add);
        }
        ResourceFacts resFacts = new ResourceFacts(stats, previous, thresholds);
        for (FindingRule<ResourceFacts> r : resourceRules) {
            r.check(resFacts).ifPresent(findings::add);
        }
        ProcessInfo subject = pid1 != null ? pid1 : firstLive(g.members());
        int restarts = PassMemory.pid1Seen(carried, pid1 == null ? null : pid1.identity());
        ProcessInfo first = pid1 != null ? pid1 : earliest(g.members());
        if (first != null && !first.identity().equals(carried.startedOf)) {
            carried.startedOf = first.identity();
            carried.startedAt = pass.starts().of(first.startTime());
        }
        IsolationFacts isoFacts = isolation.facts(carried.isolation, subject, pid1 != null, facts == null ? null : facts.status(),
                g.namespaces(), members, g.members(), pass, memory.pass());
        if (isoFacts != null) {
            for (FindingRule<IsolationFacts> r : isolationRules) {
                r.check(isoFacts).ifPresent(findings::add);
            }
        }
        return new ContainerSnapshot(g.id(), g.runtime(), name, md.image(), k8s, cgroupPath, g.namespaces(), pid1Info,
                first == null ? null : carried.startedAt, restarts, isoFacts == null ? null : isoFacts.isolation(), members.summary(), stats, List.copyOf(findings), members.list());
    }

    /** The container's process that started first (its oldest), or null for none. */
    private static ProcessInfo earliest(List<ProcessInfo> members) {
        ProcessInfo e = null;
        for (ProcessInfo p : members) {
            if (e == null || p.startTime() < e.startTime()) {
                e = p;
            }
        }
        return e;
    }

    /** The container's first process that is not a zombie (the members are in pid order), or null. */
    private static ProcessInfo firstLive(List<ProcessInfo> members) {
        for (ProcessInfo p : members) {
            if (!p.stat().isZombie()) {
                return p;
            }
        }
        return null;
    }

    /** A fresh look at PID 1's own files; its argv taken from the last look while it is the same process and command. */
    private Pid1Facts readPid1(ProcessInfo pid1, ContainerMetadata md, Pid1Facts last, Members members, ContainerStats.Pids pids,
                               ThisPass pass) {
        String comm = pid1.stat().comm();
        List<String> argv = last != null && last.identity().equals(pid1.identity()) && last.comm().equals(comm) ? last.argv() : null;
        return pid1Reader.read(pid1.pid(), pid1.startTime(), comm, table.exe(pid1), Signals.stopSignalOrTerm(md.stopSignal()),
                        table.takeStatusOfPass(pid1), argv, pass.errors())
                .withChildren(members.children(), members.otherZombies())
                .withPids(pids == null ? null : pids.limit(), pids == null ? null : pids.current());
    }

    /** Ends a pass: the PID-1 looks of containers gone are forgotten with their memory. */
    void endPass(Set<ContainerKey> live) {
        pid1Analyzer.retain(live);
    }

    /** PID 1s of this pass whose wait could not be read for lack of ptrace rights. */
    int pid1WaitDenied() {
        return pid1Reader.waitDenied();
    }

    void beginPass() {
        pid1Reader.beginPass();
    }
}
