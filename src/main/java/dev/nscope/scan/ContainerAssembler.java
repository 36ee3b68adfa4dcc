package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.HostNamespaceRule;
import dev.nscope.container.NamespaceFacts;
import dev.nscope.container.ProcessGroup;
import dev.nscope.container.RuntimeMetadataReader;
import dev.nscope.host.ErrorCounts;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcStat;
import dev.nscope.rules.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Turns one group of processes into a {@link ContainerSnapshot}: identity, metadata, PID 1, counts, findings. */
final class ContainerAssembler {
    private final CgroupLayout layout;
    private final RuntimeMetadataReader metadata;
    private final ProcessTable table;
    private final List<HostNamespaceRule> namespaceRules;

    ContainerAssembler(CgroupLayout layout, RuntimeMetadataReader metadata, ProcessTable table, Set<String> disabledRules) {
        this.layout = layout;
        this.metadata = metadata;
        this.table = table;
        this.namespaceRules = HostNamespaceRule.all().stream().filter(r -> !disabledRules.contains(r.id())).toList();
    }

    ContainerSnapshot assemble(ProcessGroup<ProcessInfo> g, Namespaces host, long nowNanos, ErrorCounts errors) {
        ContainerMetadata md = g.claim() == null ? ContainerMetadata.EMPTY : metadata.lookup(g.claim(), nowNanos, errors);
        String name = md.name() != null ? md.name() : g.claim() != null ? g.claim().name() : null;
        String podUid = g.claim() != null && g.claim().podUid() != null ? g.claim().podUid() : md.podUid();
        KubernetesRef k8s = podUid == null && md.podName() == null ? null
                : new KubernetesRef(podUid, md.podName(), md.podNamespace(), md.containerName());

        List<ProcessEntry> list = new ArrayList<>(g.members().size());
        Map<String, Integer> byState = new TreeMap<>();
        int threads = 0;
        int zombies = 0;
        ProcessInfo pid1 = g.pid1();
        int pid1Children = 0;
        for (ProcessInfo p : g.members()) {
            ProcStat s = p.stat();
            list.add(new ProcessEntry(p.pid(), p.innermostPid(), s.ppid(), s.state(), s.comm(), s.numThreads(), p.startTime()));
            byState.merge(String.valueOf(s.state()), 1, Integer::sum);
            threads += s.numThreads();
            if (s.isZombie()) {
                zombies++;
            } else if (pid1 != null && s.ppid() == pid1.pid()) {
                pid1Children++;
            }
        }
        Pid1Info pid1Info = pid1 == null ? null
                : new Pid1Info(pid1.pid(), pid1.stat().comm(), table.exe(pid1), null, null, pid1Children);

        List<Finding> findings = new ArrayList<>();
        NamespaceFacts facts = new NamespaceFacts(g.runtime(), g.namespaces(), host, pid1 != null);
        for (HostNamespaceRule r : namespaceRules) {
            r.check(facts).ifPresent(findings::add);
        }
        return new ContainerSnapshot(g.id(), g.runtime(), name, md.image(), k8s, cgroupPath(g), g.namespaces(), pid1Info,
                new ProcessSummary(list.size(), threads, zombies, byState), ContainerStats.NONE,
                List.copyOf(findings), List.copyOf(list));
    }

    /** The claimed scope, or for a sandbox the cgroup of its PID 1 (or first member). */
    private String cgroupPath(ProcessGroup<ProcessInfo> g) {
        if (g.claim() != null) {
            return g.claim().scopePath();
        }
        ProcessInfo p = g.pid1() != null ? g.pid1() : g.members().get(0);
        if (p.cgroups() == null) {
            return null;
        }
        for (Hierarchy h : layout.namingOrder()) {
            String path = p.cgroups().get(h);
            if (path != null) {
                return path;
            }
        }
        return null;
    }
}
