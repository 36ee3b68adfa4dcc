package dev.nscope.scan;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.Runtime;
import dev.nscope.isolation.Isolation;
import dev.nscope.proc.Namespaces;
import dev.nscope.rules.Finding;

import java.util.List;

/**
 * One container in a snapshot. Immutable.
 *
 * @param cgroupPath  its cgroup under the cgroup root, normalised; null for a sandbox without a cgroup of its own
 * @param namespaces  its namespaces (0 where unknown)
 * @param pid1        null when it has no pid namespace of its own
 * @param startedAt   when its PID 1 started (else its oldest process); null when the boot time is unknown
 * @param restarts    how many times another PID 1 took the place of its last one under the same id (this agent's count)
 * @param isolation   what it can reach: root filesystem, host mounts, privileges, how to enter it (null: no live process)
 * @param stats       resource figures from its cgroup ({@link ContainerStats#NONE} when it has no cgroup of its own)
 * @param processList its processes in pid order
 */
public record ContainerSnapshot(String id, Runtime runtime, String name, String image, KubernetesRef kubernetes,
                                String cgroupPath, Namespaces namespaces, Pid1Info pid1, java.time.Instant startedAt,
                                int restarts, Isolation isolation,
                                ProcessSummary processes,
                                ContainerStats stats, List<Finding> findings, List<ProcessEntry> processList) {
}
