package dev.nscope.isolation;

import java.util.List;

/**
 * What a container can reach, as the kernel says: its root filesystem, the host paths mounted into it,
 * what its PID 1 may do, and how a person steps into its namespaces. Read from PID 1 (or the container's
 * first process when it has no PID 1 of its own); a fact the kernel does not offer is null. Immutable.
 *
 * @param rootfs          its root filesystem; null when its mount table could not be read, or it is the host's
 *                        (it shares the host's mount namespace)
 * @param mounts          the mounts whose source is a host path, in the order of its mount table; empty when it
 *                        shares the host's mount namespace (it sees every host mount), null when unreadable
 * @param privileges      its credentials and confinement; null when its {@code status} could not be read
 * @param enter           the {@code nsenter} command that enters its namespaces (those it does not share with the host)
 * @param elevatedMembers its processes holding effective capabilities PID 1 does not (as their {@code status}
 *                        was when they started or last exec'd), at most {@link #MEMBERS_LISTED}
 */
public record Isolation(Rootfs rootfs, List<Mount> mounts, Privileges privileges, String enter,
                        List<Member> elevatedMembers) {
    public static final int MEMBERS_LISTED = 16;

    /**
     * @param source   the mount's source as the kernel shows it ({@code overlay}, a device)
     * @param upperDir an overlay's writable layer, a path in the mounting runtime's view (the host's); null otherwise
     * @param hostPath where the host has the same files: an overlay's merged dir, a bind's source; null when the
     *                 host has no mount of that filesystem
     */
    public record Rootfs(String fstype, String source, String upperDir, boolean readOnly, String hostPath) {
    }

    /**
     * One mount whose files the host has too.
     *
     * @param propagation       {@code private}, {@code shared}, {@code slave} or {@code unbindable}
     * @param sensitive         the host path is, or holds, one of the sensitive paths ({@link HostPathPolicy})
     * @param runtimeManaged    a file the runtime or kubelet made for the container ({@code /etc/hosts}, a volume dir)
     * @param submounts         the host's mounts below the host path that came along with it (a recursive bind);
     *                          they are not listed one by one
     * @param writableSubmounts how many of those are writable
     */
    public record Mount(String mountPoint, String hostPath, String fstype, boolean readOnly, String propagation,
                        boolean sensitive, boolean runtimeManaged, int submounts, int writableSubmounts) {
    }

    /**
     * @param uid            its effective uid as the container sees it (through its user namespace's map); null when
     *                       the map does not cover it
     * @param gid            its effective gid as the container sees it (through its gid map)
     * @param hostUid        its effective uid as the host sees it
     * @param seccomp        {@code disabled}, {@code strict} or {@code filter}
     * @param seccompFilters how many seccomp filters are attached (5.9+)
     * @param apparmor       its AppArmor profile and mode ({@code docker-default (enforce)}, {@code unconfined})
     * @param selinux        its SELinux context
     * @param ownUserNamespace true when it has a user namespace of its own: its capabilities then reach only what
     *                         that namespace owns; null when unknown
     */
    public record Privileges(Long uid, Long gid, Long hostUid, Boolean noNewPrivs, String seccomp, Integer seccompFilters,
                             String apparmor, String selinux, Boolean ownUserNamespace, CapabilitySets capabilities) {
    }

    /**
     * The capability sets by name (null: the kernel did not write the set).
     *
     * @param dangerous the effective ones that reach past the container's fences ({@link Capabilities#DANGEROUS})
     */
    public record CapabilitySets(List<String> effective, List<String> permitted, List<String> bounding,
                                 List<String> ambient, List<String> dangerous) {
    }

    /** A process of the container with effective capabilities beyond PID 1's; {@code capabilities}: those beyond. */
    public record Member(int pid, String comm, List<String> capabilities) {
    }
}
