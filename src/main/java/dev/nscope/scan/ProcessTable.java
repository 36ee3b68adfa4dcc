package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.CgroupPaths;
import dev.nscope.container.CgroupPathRecognizer;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.Links;
import dev.nscope.host.Pids;
import dev.nscope.proc.Namespaces;
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
    private final CgroupMemberships memberships;
    private final FileBytes buf = new FileBytes();
    private final Links links = new Links();
    private final NamespaceLinks nsLinks;
    private final ProcessFiles files;
    private final Map<Integer, ProcessInfo> byPid = new HashMap<>();
    private final PassMemory memory;

    ProcessTable(HostPaths paths, CgroupLayout layout, CgroupNamespaceRoots roots, CgroupPathRecognizer recognizer,
                 PassMemory memory) {
        this.paths = paths;
        this.memory = memory;
        this.memberships = new CgroupMemberships(layout, roots, recognizer);
        this.nsLinks = new NamespaceLinks(paths);
        this.files = new ProcessFiles(paths, memory);
    }

    /** The kernel's release: whether {@code /proc/<pid>/fd} reports its descriptors as its size. */
    void kernel(String release) {
        files.kernel(release);
    }

    void setRoots(CgroupNamespaceRoots roots) {
        memberships.setRoots(roots);
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
        memberships.trim(byPid.size());
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
                p.capEff = status.capEff();
                if (NamespaceLinks.namespaceInit(p.nsPid)) { // a PID 1 candidate: its masks are judged in this pass
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
            p.nsMask = NamespaceLinks.needed(p);
            p.namespaces = Namespaces.none();
        }
        if (fresh || execd || memory.linksDue(pid, p.nsReadInPass)) {
            nsLinks.read(p, p.nsMask, errors, pass);
        }
        if (!stat.isZombie() && (p.claim != null || p.nsPid != null && p.nsPid.length >= 2)) {
            files.read(p, fresh || execd, errors); // a container's process (a runtime's, or in a pid namespace of its own)
        }
        return p;
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
    void completeNamespaces(ProcessInfo p, ErrorCounts errors) {
        int missing = NamespaceLinks.ALL & ~p.nsMask;
        if (missing != 0 && !p.zombie()) {
            p.nsMask |= missing;
            nsLinks.read(p, missing, errors, memory.pass());
        }
    }

    /** The namespace links of every type of {@code pid} (the host's processes, at discovery). */
    Namespaces readNamespaces(int pid, ErrorCounts errors) {
        return nsLinks.read(pid, errors, NamespaceLinks.ALL);
    }

    /** Reads a process's cgroup file; false when the process vanished (it is then dropped). */
    private boolean readCgroup(ProcessInfo p, ErrorCounts errors) {
        int pid = p.pid;
        try {
            buf.read(paths.pidFile(pid, "cgroup"));
            p.cgroupReadInPass = memory.pass();
            if (!buf.contentEquals(p.cgroupBytes)) {
                CgroupMemberships.Membership m = memberships.of(buf);
                p.cgroupBytes = m.content();
                p.cgroups = m.paths();
                p.claim = m.claim();
            }
        } catch (IOException e) {
            if (errors.count(e) == ErrorKind.VANISHED) {
                byPid.remove(pid);
                return false;
            }
        }
        return true;
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
}
