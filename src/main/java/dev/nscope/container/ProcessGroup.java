package dev.nscope.container;

import dev.nscope.proc.Namespaces;

import java.util.List;

/**
 * The processes of one container.
 *
 * @param claim      the runtime's cgroup claim; null for a sandbox
 * @param pid1       the process that is PID 1 of the container's own pid namespace, or null when it has none
 * @param namespaces the container's namespaces: PID 1's, else the majority of its members'
 */
public record ProcessGroup<P extends GroupableProcess>(Runtime runtime, String id, CgroupClaim claim,
                                                        List<P> members, P pid1, Namespaces namespaces) {
}
