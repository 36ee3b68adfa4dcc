package dev.nscope.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.Runtime;
import dev.nscope.host.ErrorCounts;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import dev.nscope.scan.NodeFacts;
import dev.nscope.scan.NodeInfo;
import dev.nscope.scan.Pid1Info;
import dev.nscope.isolation.Isolation;
import dev.nscope.scan.ProcessEntry;
import dev.nscope.scan.ProcessSummary;
import dev.nscope.scan.ScanSnapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test oracle of the contract's JSON document ({@code /actuator/containers}, {@code scan --format=json},
 * the detail view): plain records whose field order is the document's, for Jackson's mapper to write. The
 * agent writes the document itself ({@link ContainersJson}); the tests hold its bytes to the mapper's on
 * these records, an independent statement of the same contract.
 */
public record ContainersDocument(Node node, List<Container> containers) {

    public record Node(String hostname, String kernel, String os, Long memoryBytes, Integer logicalCpus, String bootTime,
                       String cgroupVersion, String scannedAt, long scanMillis, int processes,
                       Map<String, Long> hostNamespaces, Map<String, Long> scanErrors, List<String> warnings) {
    }

    public record Container(String id, String runtime, String name, String image, KubernetesRef kubernetes,
                            String cgroupPath, Map<String, NamespaceView> namespaces, Pid1Info pid1,
                            String startedAt, int restarts, Isolation isolation, ProcessSummary processes, ContainerStats stats, List<FindingView> findings) {
    }

    /** A finding with its severity as the contract's label. */
    public record FindingView(String rule, String severity, String message, String fix, Map<String, Object> evidence) {
        static List<FindingView> of(List<Finding> findings) {
            return findings.stream().map(FindingView::of).toList();
        }

        static FindingView of(Finding f) {
            return new FindingView(f.rule(), f.severity().label(), f.message(), f.fix(), f.evidence());
        }
    }

    /** A container with its process list: {@code /actuator/containers/{id}}. */
    public record ContainerDetail(String id, String runtime, String name, String image, KubernetesRef kubernetes,
                                  String cgroupPath, Map<String, NamespaceView> namespaces, Pid1Info pid1,
                                  String startedAt, int restarts, Isolation isolation, ProcessSummary processes, ContainerStats stats, List<FindingView> findings,
                                  List<ProcessView> processList) {
    }

    /** @param inode null when the link could not be read */
    public record NamespaceView(Long inode, Boolean sharedWithHost) {
    }

    /**
     * @param cmdline absent from the JSON while {@code nscope.web.command-lines} is off; with it on, the
     *                arguments, or null where they could not be read
     */
    public record ProcessView(int pid, int nsPid, int ppid, String state, String comm, int threads,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Optional<List<String>> cmdline) {
    }

    public static ContainersDocument of(ScanSnapshot s) {
        List<Container> containers = s.containers().stream().map(c -> container(c, s.node().hostNamespaces())).toList();
        return new ContainersDocument(node(s), containers);
    }

    static Node node(ScanSnapshot s) {
        NodeInfo n = s.node();
        NodeFacts f = n.facts();
        return new Node(n.hostname(), n.kernel(), f.os(), f.memoryBytes(), f.logicalCpus(),
                f.bootTime() == null ? null : f.bootTime().toString(), n.cgroupVersion().label(), n.scannedAt().toString(),
                n.scanMillis(), n.processes(), inodes(n.hostNamespaces()), ErrorCounts.byLabel(n.scanErrors()),
                n.warnings());
    }

    static Container container(ContainerSnapshot c, Namespaces host) {
        return new Container(c.id(), label(c.runtime()), c.name(), c.image(), c.kubernetes(), c.cgroupPath(),
                namespaces(c.namespaces(), host), c.pid1(), c.startedAt() == null ? null : c.startedAt().toString(), c.restarts(), c.isolation(), c.processes(), c.stats(), FindingView.of(c.findings()));
    }

    public static ContainerDetail detail(ContainerSnapshot c, Namespaces host) {
        return detail(c, host, false);
    }

    /** @param commandLines whether the process list shows command lines (nscope.web.command-lines) */
    public static ContainerDetail detail(ContainerSnapshot c, Namespaces host, boolean commandLines) {
        List<ProcessView> procs = c.processList().stream().map(p -> process(p, commandLines)).toList();
        return new ContainerDetail(c.id(), label(c.runtime()), c.name(), c.image(), c.kubernetes(), c.cgroupPath(),
                namespaces(c.namespaces(), host), c.pid1(), c.startedAt() == null ? null : c.startedAt().toString(), c.restarts(), c.isolation(), c.processes(), c.stats(), FindingView.of(c.findings()), procs);
    }

    private static ProcessView process(ProcessEntry p, boolean commandLines) {
        return new ProcessView(p.pid(), p.nsPid(), p.ppid(), String.valueOf(p.state()), p.comm(), p.threads(),
                commandLines ? Optional.ofNullable(p.cmdline()) : null);
    }

    private static String label(Runtime r) {
        return r.label();
    }

    private static Map<String, Long> inodes(Namespaces ns) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (NamespaceType t : NamespaceType.all()) {
            m.put(t.link(), ns.known(t) ? ns.get(t) : null);
        }
        return m;
    }

    private static Map<String, NamespaceView> namespaces(Namespaces ns, Namespaces host) {
        Map<String, NamespaceView> m = new LinkedHashMap<>();
        for (NamespaceType t : NamespaceType.all()) {
            Long inode = ns.known(t) ? ns.get(t) : null;
            Boolean shared = inode == null || !host.known(t) ? null : inode == host.get(t);
            m.put(t.link(), new NamespaceView(inode, shared));
        }
        return m;
    }
}
