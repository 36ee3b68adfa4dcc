package dev.nscope.scan;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.host.KernelErrors;
import dev.nscope.host.Links;
import dev.nscope.proc.NamespaceLink;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;

import java.io.IOException;

/**
 * The namespace links of processes ({@code /proc/<pid>/ns/*}), read as a process needs them: every type
 * for a namespace's init (it may be a container's PID 1, whose namespaces are the container's) and when
 * its NSpid is unknown; pid and net for a process no runtime claims (they decide whether it is a
 * sandbox); none for another process of a runtime's container (its container's namespaces are its PID 1's,
 * and a container without a PID 1 has some of its members' read for their majority). A link that cannot
 * be read stays unknown and is counted; a type the kernel lacks ({@code time} before 5.6) is just absent.
 */
final class NamespaceLinks {
    /** Every namespace type, as a mask of {@link NamespaceType} ordinals. */
    static final int ALL = (1 << NamespaceType.all().length) - 1;
    private static final int PID_AND_NET = (1 << NamespaceType.PID.ordinal()) | (1 << NamespaceType.NET.ordinal());

    private final HostPaths paths;
    private final Links links = new Links();

    NamespaceLinks(HostPaths paths) {
        this.paths = paths;
    }

    /** The links a process needs read when it is first seen (a mask of types). */
    static int needed(ProcessInfo p) {
        if (p.nsPid == null || namespaceInit(p.nsPid)) {
            return ALL;
        }
        return p.claim == null ? PID_AND_NET : 0;
    }

    /** True when NSpid says the process is PID 1 of a pid namespace below the procfs's. */
    static boolean namespaceInit(int[] nsPid) {
        return nsPid != null && nsPid.length >= 2 && nsPid[nsPid.length - 1] == 1;
    }

    /** Reads the links of {@code mask} into {@code p}, noting whether the kernel refused any, in pass {@code pass}. */
    void read(ProcessInfo p, int mask, ErrorCounts errors, long pass) {
        if (mask == 0) {
            return;
        }
        long denied = errors.get(ErrorKind.PERMISSION);
        p.namespaces = read(p.pid, errors, mask).orElse(p.namespaces);
        p.nsDenied = errors.get(ErrorKind.PERMISSION) > denied;
        p.nsReadInPass = pass;
    }

    /** The namespace links of the types in {@code mask}; the others, and those that cannot be read, stay unknown. */
    Namespaces read(int pid, ErrorCounts errors, int mask) {
        long[] inodes = new long[NamespaceType.all().length];
        String dir = paths.pidFile(pid, "ns/");
        for (NamespaceType t : NamespaceType.all()) {
            if ((mask & (1 << t.ordinal())) == 0) {
                continue;
            }
            try {
                String target = links.readlink(dir + t.link());
                inodes[t.ordinal()] = NamespaceLink.parseInode(target, t);
            } catch (IOException e) {
                ErrorKind k = KernelErrors.classify(e);
                // a kernel without the type (time before 5.6) or a link not captured is absent, not an error
                if (k != ErrorKind.VANISHED) {
                    errors.count(k);
                }
            }
        }
        return Namespaces.of(inodes);
    }
}
