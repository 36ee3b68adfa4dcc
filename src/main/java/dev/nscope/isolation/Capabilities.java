package dev.nscope.isolation;

import java.util.ArrayList;
import java.util.List;

/**
 * Capability numbers and names (capabilities(7), {@code include/uapi/linux/capability.h}): bit n of a
 * {@code Cap*} mask of {@code /proc/<pid>/status} is capability n. A bit the table has no name for (a kernel
 * newer than it) is named {@code CAP_<n>}; bits above the kernel's {@code cap_last_cap} are not capabilities.
 */
public final class Capabilities {
    private static final String[] NAMES = {
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
            "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
            "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
            "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

    /** The highest capability this table names (a kernel may know more: {@code cap_last_cap}). */
    public static final int LAST_NAMED = NAMES.length - 1;

    /** Docker's default set (moby's {@code oci/caps/defaults.go}), which containerd and CRI-O grant too. */
    public static final long RUNTIME_DEFAULT = mask("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");

    /** The capabilities that let a container reach past its fences: {@code dangerous-capabilities} looks for them. */
    public static final long DANGEROUS = mask("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
            "CAP_NET_ADMIN", "CAP_DAC_READ_SEARCH", "CAP_BPF", "CAP_PERFMON", "CAP_SYS_BOOT", "CAP_SYS_TIME", "CAP_MAC_ADMIN",
            "CAP_MAC_OVERRIDE");

    public static final long SYS_ADMIN = 1L << bit("CAP_SYS_ADMIN");

    private Capabilities() {
    }

    /** The number of a capability by name; -1 for an unknown name. */
    public static int bit(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The name of capability {@code bit}. */
    public static String name(int bit) {
        return bit >= 0 && bit < NAMES.length ? NAMES[bit] : "CAP_" + bit;
    }

    /**
     * The names of the bits set in {@code mask}, in bit order, up to {@code lastCap} (the kernel's
     * {@code cap_last_cap}; negative: unknown, every bit set is taken). Null for an unknown mask (-1 from a
     * status without the line).
     */
    public static List<String> names(long mask, int lastCap) {
        if (mask == -1) {
            return null;
        }
        int top = lastCap < 0 ? 63 : Math.min(lastCap, 63);
        List<String> out = new ArrayList<>(Long.bitCount(mask));
        for (int b = 0; b <= top; b++) {
            if ((mask & (1L << b)) != 0) {
                out.add(name(b));
            }
        }
        return List.copyOf(out);
    }

    /** The mask of the bits up to {@code lastCap} (all the kernel's capabilities); the named ones when unknown. */
    public static long all(int lastCap) {
        int top = lastCap < 0 ? LAST_NAMED : Math.min(lastCap, 62);
        return (1L << (top + 1)) - 1;
    }

    private static long mask(String... names) {
        long m = 0;
        for (String n : names) {
            int b = bit(n);
            if (b < 0) {
                throw new IllegalArgumentException(n);
            }
            m |= 1L << b;
        }
        return m;
    }
}
