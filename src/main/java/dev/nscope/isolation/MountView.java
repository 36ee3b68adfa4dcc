package dev.nscope.isolation;

import dev.nscope.proc.ProcMountinfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's root filesystem and host mounts, from its mount table and the host's.
 *
 * <ul>
 *   <li>The root filesystem is the last mount on {@code /} (mounts stack).</li>
 *   <li>A mount is a host mount when the host has its files ({@link HostMounts#hostPath}).</li>
 *   <li>The kernel filesystems at their usual places ({@code proc} under {@code /proc}, {@code sysfs} under
 *       {@code /sys}, {@code cgroup} under {@code /sys/fs/cgroup}, {@code devpts}, {@code mqueue}) are the
 *       container's own view; where they are the host's, it shares the namespace, which the namespace rules
 *       judge. They are not listed.</li>
 *   <li>A mount that only repeats the host's tree below a host mount (a recursive bind such as
 *       {@code -v /:/host}, or the whole host tree a bare {@code unshare -m} copies under a root that is the
 *       host's) is counted in that mount, not listed: it is a host mount where the host path of its parent
 *       leads, or anything mounted below such a repeat.</li>
 * </ul>
 */
public final class MountView {
    private static final Map<String, String> KERNEL_FS_PLACES = Map.of("proc", "/proc", "sysfs", "/sys",
            "cgroup", "/sys/fs/cgroup", "cgroup2", "/sys/fs/cgroup", "devpts", "/dev/pts", "mqueue", "/dev/mqueue");

    private MountView() {
    }

    /** The root filesystem and the host mounts; with {@code host} null (its table unreadable) no host path is known. */
    public record View(Isolation.Rootfs rootfs, List<Isolation.Mount> mounts) {
    }

    public static View of(List<ProcMountinfo.Mount> container, HostMounts host, HostPathPolicy policy) {
        ProcMountinfo.Mount root = null;
        for (ProcMountinfo.Mount m : container) {
            if (m.mountPoint().equals("/")) {
                root = m;
            }
        }
        String rootHostPath = root == null || host == null ? null : host.hostPath(root);
        Isolation.Rootfs rootfs = root == null ? null : new Isolation.Rootfs(root.fstype(), root.source(),
                root.fstype().equals("overlay") ? root.superOption("upperdir") : null, root.readOnly(), rootHostPath);
        if (host == null) {
            return new View(rootfs, null);
        }
        // where each mount's files are on the host; which listed mount (or the root, -1) a repeat belongs to; and
        // which mounts are part of a repeated tree (then whatever is mounted below them came along with it)
        Map<Integer, ProcMountinfo.Mount> byId = new HashMap<>();
        for (ProcMountinfo.Mount m : container) {
            byId.put(m.id(), m);
        }
        Map<Integer, String> hostPathById = new HashMap<>();
        Map<Integer, Integer> ownerById = new HashMap<>();
        Set<Integer> repeated = new HashSet<>();
        List<ProcMountinfo.Mount> listed = new ArrayList<>();
        int[] submounts = new int[container.size()];
        int[] writable = new int[container.size()];
        if (root != null && rootHostPath != null) {
            hostPathById.put(root.id(), rootHostPath);
            ownerById.put(root.id(), -1);
        }
        for (ProcMountinfo.Mount m : container) {
            if (m == root) {
                continue;
            }
            ProcMountinfo.Mount parent = byId.get(m.parent());
            Integer owner = parent == null ? null : ownerById.get(parent.id());
            boolean inRepeat = parent != null && repeated.contains(parent.id());
            String hp = host.hostPath(m);
            boolean repeats = owner != null && hp != null
                    && (inRepeat || hp.equals(below(hostPathById.get(parent.id()), parent.mountPoint(), m.mountPoint())));
            if (hp == null || kernelView(m)) {
                // not listed; below a repeated tree it is part of the repeat
                if (owner != null && (inRepeat || repeats)) {
                    ownerById.put(m.id(), owner);
                    repeated.add(m.id());
                    if (hp != null) {
                        hostPathById.put(m.id(), hp);
                    }
                }
                continue;
            }
            hostPathById.put(m.id(), hp);
            if (repeats) {
                ownerById.put(m.id(), owner);
                repeated.add(m.id());
                if (owner >= 0) {
                    submounts[owner]++;
                    if (!m.readOnly()) {
                        writable[owner]++;
                    }
                }
                continue;
            }
            ownerById.put(m.id(), listed.size());
            listed.add(m);
        }
        List<Isolation.Mount> mounts = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            ProcMountinfo.Mount m = listed.get(i);
            String hp = hostPathById.get(m.id());
            boolean managed = policy.runtimeManaged(hp);
            mounts.add(new Isolation.Mount(m.mountPoint(), hp, m.fstype(), m.readOnly(), m.propagation(),
                    !managed && HostPathPolicy.sensitive(hp) != null, managed, submounts[i], writable[i]));
        }
        return new View(rootfs, List.copyOf(mounts));
    }

    /** A kernel filesystem at its usual place: the container's own view of it. */
    static boolean kernelView(ProcMountinfo.Mount m) {
        String place = KERNEL_FS_PLACES.get(m.fstype());
        return place != null && HostMounts.holds(place, m.mountPoint());
    }

    /** The host path {@code mountPoint} would have if it were the host's own tree below {@code parent}. */
    private static String below(String parentHostPath, String parentMountPoint, String mountPoint) {
        if (!HostMounts.holds(parentMountPoint, mountPoint)) {
            return null;
        }
        String rest = parentMountPoint.equals("/") ? mountPoint : mountPoint.substring(parentMountPoint.length());
        return HostMounts.join(parentHostPath, rest);
    }
}
