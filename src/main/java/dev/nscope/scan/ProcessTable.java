package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.CgroupPaths;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.container.CgroupClaim;
import dev.nscope.container.CgroupPathRecognizer;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.Links;
import dev.nscope.host.KernelErrors;
import dev.nscope.host.MalformedFileException;
import dev.nscope.host.Pids;
import dev.nscope.proc.NamespaceLink;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcCgroup;
import dev.nscope.proc.ProcCmdline;
import dev.nscope.proc.ProcStat;
import dev.nscope.proc.ProcStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The processes of the host, read from {@code ${procfs}} and kept between passes.
 *
 * <p>Per pass and pid: {@code stat} (state, threads, CPU, and the start time that with the pid is the
 * identity). For a new identity, or one whose command changed (an {@code exec}, as after
 * {@code nsenter}, {@code runc exec} or a wrapper that moves itself into a cgroup and execs), also
 * {@code status} (the NSpid chain), the namespace links it needs and {@code cgroup}. What a known
 * process may carry over instead ({@code stat} while its container is idle, {@code cgroup} and links
 * between their turns of a rotation) is {@link PassMemory}'s to say. {@code cgroup} contents are
 * interned: processes with the same bytes share one parsed, recognised {@link CgroupPaths}. Kernel
 * threads live in the root cgroup and the host's namespaces; only {@code stat} is read for them.
 */
final class ProcessTable {
    /** Of a command line only this many bytes are kept (what {@code ps} shows without {@code -ww}, and more). */
    static final int CMDLINE_MAX_BYTES = 4096;

    private final HostPaths paths;
    private final CgroupLayout layout;
    private final CgroupPathRecognizer recognizer;
    private CgroupNamespaceRoots roots;
    private final FileBytes buf = new FileBytes();
    private final Links links = new Links();
    private final Map<Integer, ProcessInfo> byPid = new HashMap<>();
    private final Map<ContentKey, Membership> memberships = new HashMap<>();
    private final PassMemory memory;

    /** A parsed and recognised cgroup file content. */
    record Recognised(CgroupPaths paths, CgroupClaim claim) {
    }

    /** A cgroup file content, once for all processes that have it, and what it says. */
    record Membership(byte[] content, Recognised recognised) {
    }

    ProcessTable(HostPaths paths, CgroupLayout layout, CgroupNamespaceRoots roots, CgroupPathRecognizer recognizer,
                 PassMemory memory) {
        this.paths = paths;
        this.memory = memory;
        this.layout = layout;
        this.roots = roots;
        this.recognizer = recognizer;
    }

    public void setRoots(CgroupNamespaceRoots roots) {
        this.roots = roots;
        memberships.clear();
        for (ProcessInfo p : byPid.values()) {
            p.cgroupBytes = null;
        }
    }

    /** One pass: every process listed in procfs right now, in pid order, as the pass memory allows. */
    List<ProcessInfo> refresh(ErrorCounts errors) {
        long pass = memory.pass();
        String[] names = paths.procfs().toFile().list();
        if (names == null) {
            errors.count(ErrorKind.IO);
            return List.of();
        }
        int[] pids = new int[names.length];
        int n = 0;
        for (String name : names) {
            int pid = Pids.parse(name);
            if (pid > 0) {
                pids[n++] = pid;
            }
        }
        Arrays.sort(pids, 0, n);
        List<ProcessInfo> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            ProcessInfo p = read(pids[k], errors);
            if (p != null) {
                out.add(p);
            }
        }
        for (Iterator<ProcessInfo> it = byPid.values().iterator(); it.hasNext(); ) {
            if (it.next().seenInPass != pass) {
                it.remove();
            }
        }
        if (memberships.size() > 4 * byPid.size() + 1024) {
            memberships.clear();
        }
        return out;
    }

    /**
     * Processes of the last pass whose namespace links the kernel refused; kernel threads and the host's
     * PID 1 (whose links are how the host's namespaces are found, warned about on their own) not counted.
     */
    public int namespacesDenied(List<ProcessInfo> processes) {
        int n = 0;
        for (ProcessInfo p : processes) {
            if (p.nsDenied && !p.stat.isKernelThread() && p.pid != 1) {
                n++;
            }
        }
        return n;
    }

    /** The cached entry of a pid seen in the last pass, or null. */
    public ProcessInfo get(int pid) {
        return byPid.get(pid);
    }

    private ProcessInfo read(int pid, ErrorCounts errors) {
        long pass = memory.pass();
        ProcessInfo known = byPid.get(pid);
        if (known != null && memory.carriesStat(pid)) {
            known.seenInPass = pass;
            // its turn in the rotation: a process can be moved into another cgroup without running
            if (memory.cgroupDue(pid, known.cgroupReadInPass) && !readCgroup(known, errors)) {
                return null;
            }
            return known;
        }
        ProcStat stat;
        try {
            buf.read(paths.pidFile(pid, "stat"));
            stat = ProcStat.parse(buf.data(), buf.length());
        } catch (IOException e) {
            errors.count(e);
            return null;
        }
        ProcessInfo p = byPid.get(pid);
        boolean fresh = p == null || p.startTime != stat.startTime();
        if (fresh) {
            p = new ProcessInfo(pid, stat.startTime());
            byPid.put(pid, p);
        }
        boolean execd = !fresh && !p.stat.comm().equals(stat.comm());
        p.stat = stat;
        p.seenInPass = pass;
        if (stat.isKernelThread() && pid != 2) {
            return p;
        }
        if (fresh || execd) {
            try {
                buf.read(paths.pidFile(pid, "status"));
                ProcStatus status = ProcStatus.parse(buf.data(), buf.length());
                p.nsPid = status.nsPid();
                if (namespaceInit(p.nsPid)) { // a PID 1 candidate: its masks are judged in this pass
                    p.statusOfPass = status;
                    p.statusPass = pass;
                }
            } catch (IOException e) {
                if (errors.count(e) == ErrorKind.VANISHED) {
                    byPid.remove(pid);
                    return null;
                }
            }
            p.exeRead = false;
            p.cmdlineRead = false;
        }
        if ((fresh || execd || memory.cgroupDue(pid, p.cgroupReadInPass)) && !readCgroup(p, errors)) {
            return null;
        }
        if (fresh || execd) {
            p.nsMask = linksNeeded(p);
            p.namespaces = Namespaces.none();
        }
        if (fresh || execd || memory.linksDue(pid, p.nsReadInPass)) {
            readLinks(p, p.nsMask, errors);
        }
        return p;
    }

    /** Every namespace type, as a mask of {@link NamespaceType} ordinals. */
    static final int ALL_LINKS = (1 << NamespaceType.all().length) - 1;
    private static final int PID_AND_NET = (1 << NamespaceType.PID.ordinal()) | (1 << NamespaceType.NET.ordinal());

    /**
     * The namespace links a process needs read at once: all of them for a namespace's init (it may be a
     * container's PID 1, whose namespaces are the container's) and when its NSpid is unknown; pid and net
     * for a process no runtime claims (they decide whether it is a sandbox); none for another process of a
     * runtime's container (its container's namespaces are its PID 1's; {@link #completeNamespaces} reads
     * them when a container has no PID 1).
     */
    static int linksNeeded(ProcessInfo p) {
        if (p.nsPid == null || namespaceInit(p.nsPid)) {
            return ALL_LINKS;
        }
        return p.claim == null ? PID_AND_NET : 0;
    }

    private void readLinks(ProcessInfo p, int mask, ErrorCounts errors) {
        if (mask == 0) {
            return;
        }
        long denied = errors.get(ErrorKind.PERMISSION);
        p.namespaces = readNamespaces(p.pid, errors, mask).orElse(p.namespaces);
        p.nsDenied = errors.get(ErrorKind.PERMISSION) > denied;
        p.nsReadInPass = memory.pass();
    }

    /** True when NSpid says the process is PID 1 of a pid namespace below the procfs's. */
    private static boolean namespaceInit(int[] nsPid) {
        return nsPid != null && nsPid.length >= 2 && nsPid[nsPid.length - 1] == 1;
    }

    /**
     * The {@code status} of {@code p} as read in this pass, when it is a namespace's init read whole now
     * (null otherwise); handed over once, so that nothing holds it after the pass.
     */
    public ProcStatus takeStatusOfPass(ProcessInfo p) {
        ProcStatus s = p.statusPass == memory.pass() ? p.statusOfPass : null;
        p.statusOfPass = null;
        return s;
    }

    /** Reads the namespace links of {@code p} not read yet (a container without a PID 1 takes its members' majority). */
    public void completeNamespaces(ProcessInfo p, ErrorCounts errors) {
        int missing = ALL_LINKS & ~p.nsMask;
        if (missing != 0 && !p.zombie()) {
            p.nsMask |= missing;
            readLinks(p, missing, errors);
        }
    }

    /** Reads a process's cgroup file; false when the process vanished (it is then dropped). */
    private boolean readCgroup(ProcessInfo p, ErrorCounts errors) {
        int pid = p.pid;
        try {
            buf.read(paths.pidFile(pid, "cgroup"));
            p.cgroupReadInPass = memory.pass();
            if (!buf.contentEquals(p.cgroupBytes)) {
                byte[] content = buf.copy();
                ContentKey key = new ContentKey(content);
                Membership m = memberships.get(key);
                if (m == null) {
                    m = new Membership(content, membership(content));
                    memberships.put(key, m);
                }
                // processes with the same cgroups share one copy of the file's bytes
                p.cgroupBytes = m.content();
                p.cgroups = m.recognised().paths();
                p.claim = m.recognised().claim();
            }
        } catch (IOException e) {
            if (errors.count(e) == ErrorKind.VANISHED) {
                byPid.remove(pid);
                return false;
            }
        }
        return true;
    }

    private Recognised membership(byte[] content) throws MalformedFileException {
        List<ProcCgroup.Entry> entries = ProcCgroup.parse(content, content.length);
        CgroupPaths cg = CgroupPaths.of(entries, layout, roots);
        CgroupClaim claim = null;
        for (Hierarchy h : layout.namingOrder()) {
            claim = recognizer.recognize(cg.get(h));
            if (claim != null) {
                break;
            }
        }
        return new Recognised(cg, claim);
    }

    /** The eight namespace links; a link that cannot be read stays unknown (and is counted). */
    Namespaces readNamespaces(int pid, ErrorCounts errors) {
        return readNamespaces(pid, errors, ALL_LINKS);
    }

    /** The namespace links of the types in {@code mask}; the others, and those that cannot be read, stay unknown. */
    Namespaces readNamespaces(int pid, ErrorCounts errors, int mask) {
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

    /** Reads the target of {@code ${procfs}/<pid>/exe} once per identity; null when unreadable. */
    public String exe(ProcessInfo p) {
        if (!p.exeRead) {
            p.exeRead = true;
            try {
                p.exe = links.readlink(paths.pidFile(p.pid, "exe"));
            } catch (IOException e) {
                p.exe = null;
            }
        }
        return p.exe;
    }

    /**
     * The arguments of {@code ${procfs}/<pid>/cmdline}, read once per identity (pid, start time, and the
     * command, which changes only with an exec); at most the first {@link #CMDLINE_MAX_BYTES} bytes and
     * {@link ProcCmdline#MAX_ARGS} arguments are kept. Null when it cannot be read.
     */
    public List<String> cmdline(ProcessInfo p) {
        if (!p.cmdlineRead) {
            p.cmdlineRead = true;
            try {
                buf.read(paths.pidFile(p.pid, "cmdline"));
                p.cmdline = ProcCmdline.parse(buf.data(), Math.min(buf.length(), CMDLINE_MAX_BYTES));
            } catch (IOException e) {
                p.cmdline = null;
            }
        }
        return p.cmdline;
    }

    /** Byte content as a hash key. */
    private record ContentKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ContentKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
