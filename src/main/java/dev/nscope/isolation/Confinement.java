package dev.nscope.isolation;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcIdMap;
import dev.nscope.proc.ProcStatus;

import java.nio.charset.StandardCharsets;

/**
 * What a process may do, from its {@code status}, its id maps and its LSM label, and how to enter its
 * namespaces. Pure: the scanner reads the files and hands their contents in.
 */
public final class Confinement {
    private static final String[] SECCOMP = {"disabled", "strict", "filter"};
    /** nsenter's options, in the order its usage lists them, for the types a container can have of its own. */
    private static final NamespaceType[] ENTER_ORDER = {NamespaceType.MNT, NamespaceType.UTS, NamespaceType.IPC,
            NamespaceType.NET, NamespaceType.PID, NamespaceType.CGROUP, NamespaceType.USER};
    private static final String[] ENTER_FLAGS = {"--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup", "--user"};

    private Confinement() {
    }

    /**
     * The privileges of a process.
     *
     * @param status   its parsed {@code status}
     * @param uidMap   its {@code uid_map}, null when unreadable
     * @param gidMap   its {@code gid_map}, null when unreadable
     * @param labels   its LSM labels ({@link #labels})
     * @param ownUser  whether it has a user namespace of its own (null: unknown)
     * @param lastCap  the kernel's {@code cap_last_cap}, -1 when unknown
     */
    public static Isolation.Privileges privileges(ProcStatus status, ProcIdMap uidMap, ProcIdMap gidMap, Labels labels,
                                                  Boolean ownUser, int lastCap) {
        ProcStatus.Security s = status.security();
        Long hostUid = s.euid() < 0 ? null : s.euid();
        Long uid = inside(s.euid(), uidMap, ownUser);
        Long gid = inside(s.egid(), gidMap, ownUser);
        String seccomp = s.seccomp() >= 0 && s.seccomp() < SECCOMP.length ? SECCOMP[s.seccomp()] : null;
        Isolation.CapabilitySets caps = new Isolation.CapabilitySets(Capabilities.names(status.capEff(), lastCap),
                Capabilities.names(s.capPrm(), lastCap), Capabilities.names(s.capBnd(), lastCap),
                Capabilities.names(s.capAmb(), lastCap),
                status.capEff() == -1 ? null : Capabilities.names(status.capEff() & Capabilities.DANGEROUS, lastCap));
        return new Isolation.Privileges(uid, gid, hostUid, s.noNewPrivs() < 0 ? null : s.noNewPrivs() != 0, seccomp,
                s.seccompFilters() < 0 ? null : s.seccompFilters(), labels.apparmor(), labels.selinux(), ownUser, caps);
    }

    /** An id as the process's namespace sees it: through the map, or itself in the host's namespace; null when unmapped. */
    private static Long inside(long hostId, ProcIdMap map, Boolean ownUser) {
        if (hostId < 0) {
            return null;
        }
        if (map != null) {
            long in = map.inside(hostId);
            return in < 0 ? null : in;
        }
        return Boolean.FALSE.equals(ownUser) ? hostId : null;
    }

    /** A process's LSM labels; null where its LSM offers none. */
    public record Labels(String apparmor, String selinux) {
        public static final Labels NONE = new Labels(null, null);
    }

    /**
     * The labels from {@code attr/apparmor/current} (5.8+, AppArmor's own; null when absent) and {@code attr/current}
     * (the major LSM's: SELinux writes a context {@code user:role:type:level}, AppArmor before 5.8 its profile and
     * mode). Trailing newlines and NULs are dropped; an empty file is no label.
     */
    public static Labels labels(byte[] apparmorCurrent, int apparmorLen, byte[] current, int currentLen) {
        String apparmor = text(apparmorCurrent, apparmorLen);
        String attr = text(current, currentLen);
        String selinux = null;
        if (attr != null && !attr.equals(apparmor)) {
            if (selinuxContext(attr)) {
                selinux = attr;
            } else if (apparmor == null) {
                apparmor = attr;
            }
        }
        return new Labels(apparmor, selinux);
    }

    /** An SELinux context: at least {@code user:role:type}, no spaces (an AppArmor label is {@code profile (mode)}). */
    static boolean selinuxContext(String s) {
        if (s.indexOf(' ') >= 0) {
            return false;
        }
        int colons = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ':') {
                colons++;
            }
        }
        return colons >= 2;
    }

    private static String text(byte[] b, int len) {
        if (b == null) {
            return null;
        }
        int n = len;
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == 0)) {
            n--;
        }
        return n == 0 ? null : new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * {@code nsenter --target <pid>} with an option for each namespace the container does not share with the
     * host: one whose inode is unknown on either side is named too, except the user namespace, which nsenter
     * refuses to enter when it is the caller's own.
     */
    public static String enter(int pid, Namespaces ns, Namespaces host) {
        StringBuilder sb = new StringBuilder("nsenter --target ").append(pid);
        for (int i = 0; i < ENTER_ORDER.length; i++) {
            NamespaceType t = ENTER_ORDER[i];
            boolean known = ns.known(t) && host.known(t);
            boolean own = known ? ns.get(t) != host.get(t) : t != NamespaceType.USER;
            if (own) {
                sb.append(' ').append(ENTER_FLAGS[i]);
            }
        }
        return sb.toString();
    }
}
