package dev.nscope.scan;

import dev.nscope.cgroup.CgroupVersion;
import dev.nscope.host.ErrorKind;
import dev.nscope.proc.Namespaces;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The node as one scan saw it.
 *
 * @param hostname   null when the procfs does not give it
 * @param scanErrors problems met during the scan, by kind (vanished processes are normal churn)
 * @param warnings   what the agent could not read at all and so does not judge (e.g. namespace links)
 */
public record NodeInfo(String hostname, String kernel, NodeFacts facts, CgroupVersion cgroupVersion, Instant scannedAt,
                       long scanMillis, int processes, Namespaces hostNamespaces, Map<ErrorKind, Long> scanErrors,
                       List<String> warnings) {

    /** This node with other scan error counts (the CLI's two looks, merged). */
    public NodeInfo withScanErrors(Map<ErrorKind, Long> errors) {
        return new NodeInfo(hostname, kernel, facts, cgroupVersion, scannedAt, scanMillis, processes, hostNamespaces, errors, warnings);
    }

    /** This node with other warnings (the scanner's, then the agent's own: an expired certificate, a full heap). */
    public NodeInfo withWarnings(List<String> all) {
        return new NodeInfo(hostname, kernel, facts, cgroupVersion, scannedAt, scanMillis, processes, hostNamespaces, scanErrors,
                List.copyOf(all));
    }
}
