package dev.nscope.container;

/**
 * A runtime's claim on a cgroup path: the path names one of its containers.
 *
 * @param scopePath the path up to and including the container's own cgroup (its sub-cgroups belong to it)
 * @param podUid    the Kubernetes pod UID from the pod's cgroup (dashes restored), or null
 * @param name      a name the path itself gives (LXC, systemd-nspawn), or null
 */
public record CgroupClaim(Runtime runtime, String id, String scopePath, String podUid, String name) {
}
