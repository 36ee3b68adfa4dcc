package dev.nscope.metrics;

import dev.nscope.host.ErrorKind;
import dev.nscope.proc.NamespaceType;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.settings.BuildInfo;
import dev.nscope.snapshot.ScanService;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The agent's own health: which build runs, its scans, their cost and errors, what it saw. */
final class AgentMetrics {
    private AgentMetrics() {
    }

    static List<MetricFamily> collect(ScanSnapshot s, ScanService.Totals totals) {
        BuildInfo build = BuildInfo.current();
        MetricFamily info = MetricFamily.info("nscope_build", "The version of nscope and the git revision it was built from (\"unknown\" "
                + "when built outside a git checkout)").add(Labels.of("version", build.version(), "revision", build.revision()), 1);
        MetricFamily duration = MetricFamily.gauge("nscope_scan_duration_seconds", "Duration of the latest scan")
                .add(Labels.EMPTY, s.node().scanMillis() / 1000.0);
        MetricFamily last = MetricFamily.gauge("nscope_scan_timestamp_seconds", "When the latest scan finished (Unix time)")
                .add(Labels.EMPTY, s.node().scannedAt().toEpochMilli() / 1000.0);
        MetricFamily scans = MetricFamily.counter("nscope_scans", "Scans run, by result");
        scans.add(Labels.of("result", "ok"), totals.succeeded());
        scans.add(Labels.of("result", "failed"), totals.failed());
        MetricFamily scanSeconds = MetricFamily.counter("nscope_scan_seconds", "Time spent scanning").add(Labels.EMPTY, totals.seconds());
        MetricFamily errors = MetricFamily.counter("nscope_scan_errors", "Problems met while scanning, by kind (vanished processes are normal churn)");
        for (Map.Entry<ErrorKind, Long> e : totals.errors().entrySet()) {
            errors.add(Labels.of("kind", e.getKey().label()), e.getValue());
        }
        MetricFamily processes = MetricFamily.gauge("nscope_processes", "Processes on the node at the latest scan")
                .add(Labels.EMPTY, s.node().processes());
        Map<String, Integer> byRuntime = new TreeMap<>();
        for (ContainerSnapshot c : s.containers()) {
            byRuntime.merge(c.runtime().label(), 1, Integer::sum);
        }
        MetricFamily containers = MetricFamily.gauge("nscope_containers", "Containers on the node, by runtime");
        byRuntime.forEach((rt, n) -> containers.add(Labels.of("runtime", rt), n));
        MetricFamily namespaces = MetricFamily.gauge("nscope_namespaces", "Distinct namespaces in use by the node's containers and the host, by type");
        for (NamespaceType t : NamespaceType.all()) {
            Set<Long> seen = new HashSet<>();
            if (s.node().hostNamespaces().known(t)) {
                seen.add(s.node().hostNamespaces().get(t));
            }
            for (ContainerSnapshot c : s.containers()) {
                if (c.namespaces().known(t)) {
                    seen.add(c.namespaces().get(t));
                }
            }
            namespaces.add(Labels.of("type", t.link()), seen.size());
        }
        MetricFamily warnings = MetricFamily.gauge("nscope_warnings", "Things the agent could not read at all at the latest scan (see node.warnings)")
                .add(Labels.EMPTY, s.node().warnings().size());
        return List.of(info, duration, last, scans, scanSeconds, errors, processes, containers, namespaces, warnings);
    }
}
