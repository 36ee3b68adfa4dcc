package dev.nscope.scan;

import dev.nscope.cgroup.CgroupPaths;
import dev.nscope.container.CgroupClaim;
import dev.nscope.container.GroupableProcess;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcStat;
import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcessIdentity;

import java.util.List;

/**
 * One process as the scanner knows it, kept between passes (the cache entry of {@link ProcessTable}).
 * What cannot change for a process (its NSpid chain) or changes only with {@code setns}/{@code exec}
 * (namespaces) is read once per identity (pid, start time); {@code stat} and {@code cgroup} as
 * {@link PassMemory} says. Only the scanning thread mutates it; snapshots copy what they need.
 */
public final class ProcessInfo implements GroupableProcess {
    final int pid;
    final long startTime;
    ProcStat stat;
    int[] nsPid;
    /** Its effective capabilities as its {@code status} said when it was new or last exec'd (-1: unknown). */
    long capEff = -1;
    /** A namespace init's parsed status, from the pass {@link #statusPass}, until PID-1 analysis takes it. */
    ProcStatus statusOfPass;
    long statusPass = -1;
    Namespaces namespaces = Namespaces.none();
    byte[] cgroupBytes;
    CgroupPaths cgroups;
    CgroupClaim claim;
    /** The pass that last saw it; entries not seen in a pass are dropped. */
    long seenInPass;
    /** Which namespace links have been read (a mask of {@link dev.nscope.proc.NamespaceType} ordinals). */
    int nsMask;
    /** The pass whose namespace links were last read (links are re-checked on a slow rotation). */
    long nsReadInPass;
    /** The pass whose cgroup file was last read (re-checked on a rotation). */
    long cgroupReadInPass;
    String exe;
    boolean exeRead;
    /** True when the kernel refused some of its namespace links (no ptrace rights over it). */
    boolean nsDenied;
    /** Open descriptors (-1: unknown) and the pass that counted them; the soft RLIMIT_NOFILE (-1: unknown) and its pass. */
    long fds = -1;
    long fdsReadPass;
    long openFilesLimit = -1;
    long limitsReadPass;
    /** The command line, read on demand once per identity (and again after an exec); null when unreadable. */
    List<String> cmdline;
    boolean cmdlineRead;

    ProcessInfo(int pid, long startTime) {
        this.pid = pid;
        this.startTime = startTime;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public long startTime() {
        return startTime;
    }

    @Override
    public int[] nsPid() {
        return nsPid;
    }

    @Override
    public Namespaces namespaces() {
        return namespaces;
    }

    @Override
    public CgroupClaim claim() {
        return claim;
    }

    @Override
    public int ppid() {
        return stat.ppid();
    }

    @Override
    public boolean zombie() {
        return stat.isZombie();
    }

    public ProcessIdentity identity() {
        return new ProcessIdentity(pid, startTime);
    }

    public ProcStat stat() {
        return stat;
    }

    public CgroupPaths cgroups() {
        return cgroups;
    }

    /** The pid inside its own pid namespace (last NSpid entry), or the pid when unknown. */
    public int innermostPid() {
        return nsPid == null || nsPid.length == 0 ? pid : nsPid[nsPid.length - 1];
    }

    @Override
    public String toString() {
        return "ProcessInfo[" + pid + " " + (stat == null ? "?" : stat.comm()) + "]";
    }
}
