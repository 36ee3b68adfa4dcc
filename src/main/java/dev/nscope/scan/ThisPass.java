package dev.nscope.scan;

import dev.nscope.host.ErrorCounts;
import dev.nscope.proc.Namespaces;

import java.util.Map;
import java.util.Set;

/**
 * What this pass read about all containers at once, handed to the assembly of each (what earlier passes
 * left is in {@link PassMemory}).
 *
 * @param networkOwners   ids of the containers whose network namespace figures are theirs to report:
 *                        one per namespace (a pod's sandbox, else the earliest), none for the host's
 * @param processesByPath how many processes of the whole host sit in each cgroup (naming hierarchy),
 *                        to tell whether a sandbox has its cgroup to itself
 * @param starts          the boot time, to make a process's start time an instant
 */
record ThisPass(Namespaces host, long nowNanos, ErrorCounts errors, Set<String> networkOwners,
                Map<String, Integer> processesByPath, StartTimes starts) {
}
