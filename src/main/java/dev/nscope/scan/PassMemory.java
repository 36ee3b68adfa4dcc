package dev.nscope.scan;

import dev.nscope.cgroup.CgroupMemory;
import dev.nscope.cgroup.CgroupStatsReader;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.CgroupClaim;
import dev.nscope.container.ContainerKey;
import dev.nscope.container.Departed;
import dev.nscope.container.ContainerMetadata;
import dev.nscope.container.RuntimeMetadataReader;
import dev.nscope.host.ErrorCounts;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.proc.ProcessIdentity;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one pass of the scanner leaves to the next, and the one policy of what a pass may take from it
 * instead of reading the host again. A pass reads what can have changed and carries the rest:
 *
 * <table>
 *   <caption>What a pass reads, and what it carries over</caption>
 *   <tr><th>what</th><th>read</th><th>carried while</th></tr>
 *   <tr><td>{@code /proc} listing, every container's CPU usage file, network counters</td><td>every pass</td><td>never</td></tr>
 *   <tr><td>a process's {@code stat}</td><td>every pass</td><td>its container is idle (a process changes its state,
 *       threads, parent or signal masks only by running); zombies are read always (their parent may reap them)</td></tr>
 *   <tr><td>{@code status}, {@code exe}, argv, {@code cmdline}</td><td>once per identity (pid, start time) and command</td>
 *       <td>the identity and command stay (an {@code exec} reads them again)</td></tr>
 *   <tr><td>a process's {@code cgroup} file</td><td>new identity, exec, and on a rotation of {@link #CGROUP_RECHECK} passes
 *       (a process can be moved without running)</td><td>between its turns</td></tr>
 *   <tr><td>namespace links</td><td>once per identity; again on a rotation of {@link #LINKS_RECHECK} passes</td>
 *       <td>between its turns</td></tr>
 *   <tr><td>a container's mount table, id maps, LSM label ({@link ContainerIsolation})</td><td>once per identity of its
 *       PID 1 (else its first process), and when its namespaces change; the host's mount table with them, at most once a
 *       pass</td><td>the identity stays</td></tr>
 *   <tr><td>a container</td><td>when its CPU usage moved</td><td>it is <em>idle</em>: its CPU usage is what it was
 *       before its processes were last read (the probe of that pass); its members, PID-1 facts and cgroup figures
 *       stand. A container seen for the first time has no such usage (its processes were read before its cgroup
 *       was known), so it is read in full once more before it can be idle</td></tr>
 *   <tr><td>an idle container's cgroup figures</td><td>every {@link #IDLE_REFRESH} passes, each container on a turn of
 *       its own (reclaim, writeback and limits change without it running)</td><td>between its turns</td></tr>
 *   <tr><td>a container process's open descriptors</td><td>with its {@code stat} (6.2+: the size of
 *       {@code /proc/<pid>/fd}); before 6.2 the directory is counted on a rotation of {@link #LIMITS_EVERY}
 *       passes</td><td>with its {@code stat}</td></tr>
 *   <tr><td>its {@code RLIMIT_NOFILE} ({@code /proc/<pid>/limits})</td><td>once per identity; again on a rotation of
 *       {@link #LIMITS_EVERY} passes (prlimit changes it from outside)</td><td>between its turns</td></tr>
 *   <tr><td>limits ({@code memory.max}, {@code cpu.max}, {@code pids.max}, peaks)</td><td>every {@link #LIMITS_EVERY}
 *       passes, and when an idle container is read again</td><td>between</td></tr>
 *   <tr><td>a file a container's cgroup lacks</td><td>again {@link #LACKING_RECHECK} passes after it was found lacking</td>
 *       <td>until then (per cgroup: one container's lack never hides another's figures)</td></tr>
 *   <tr><td>a container's runtime metadata (name, image, pod, stop signal)</td><td>at first sight, and every
 *       {@link #METADATA_REFRESH_NANOS} (a pod's labels can change; the files a refused read met are counted at
 *       every pass until then)</td><td>between</td></tr>
 *   <tr><td>the v1 blkio family of a cgroup</td><td>chosen at its first read; all tried again every
 *       {@link #BLKIO_REPROBE} passes while the chosen one lists no device</td><td>while it lists devices</td></tr>
 * </table>
 *
 * A container's memory is dropped with the container: a pass that does not assemble it forgets it, but for
 * its restart count and its last PID 1, kept as {@link Departed} keeps containers that went, so that one
 * that comes back with the same id (a {@code docker restart}, a restart policy)
 * counts a restart. Not thread-safe: the scanning thread owns it.
 */
final class PassMemory {
    static final int IDLE_REFRESH = 6;
    static final int LIMITS_EVERY = 6;
    static final int CGROUP_RECHECK = 8;
    static final int LINKS_RECHECK = 64;
    static final int LACKING_RECHECK = 256;
    static final int BLKIO_REPROBE = 16;
    static final long METADATA_REFRESH_NANOS = 60_000_000_000L;

    /** What a container left from the passes before. */
    static final class Container {
        final CgroupMemory cgroup = new CgroupMemory();
        /** Its cgroup figures as last read (null: none); the rules compare the next pass's with them. */
        ContainerStats figures;
        /**
         * Where its CPU usage is read; the usage before its processes were read in the pass of its last cgroup
         * read (null: not known, so it cannot be idle), and that pass; null dir: none known.
         */
        String activityDir;
        Double usageAtRead;
        long readPass;
        /** This pass's probe of its CPU usage, taken before any process of the pass was read. */
        Double probed;
        /** The pass whose read took the limits afresh; -1 before the first. */
        long limitsReadPass = -1;
        Members members;
        Pid1Facts pid1;
        /** Its isolation facts and what they were built from (read once per identity of PID 1, else its first process). */
        final ContainerIsolation.Carried isolation = new ContainerIsolation.Carried();
        RuntimeMetadataReader.Read metadata;
        long metadataReadAt;
        long seenPass;
        /** Its PID 1 when last seen (null: none yet), how many times another took its place, and when it started. */
        ProcessIdentity lastPid1;
        int restarts;
        ProcessIdentity startedOf;
        java.time.Instant startedAt;
        /** This pass's verdicts: its CPU usage has not moved; and it is its turn to have its figures read anyway. */
        boolean idle;
        boolean refreshDue;
    }

    private final Map<ContainerKey, Container> containers = new HashMap<>();
    /** Containers that went a while ago: their last PID 1 and restarts. */
    private final Departed<Left> departed = new Departed<>();

    private record Left(ProcessIdentity lastPid1, int restarts) {
    }
    /** The pids whose {@code stat} this pass carries over: the live members of idle containers. */
    private final BitSet carriedStats = new BitSet();
    private long pass;

    long pass() {
        return pass;
    }

    /**
     * Starts a pass: probes the CPU usage file of every container that had one, to tell which are idle and
     * which of those are due for a refresh; their members' {@code stat} is then carried.
     */
    void beginPass(CgroupStatsReader stats, ErrorCounts errors) {
        pass++;
        carriedStats.clear();
        for (Map.Entry<ContainerKey, Container> e : containers.entrySet()) {
            Container c = e.getValue();
            c.idle = false;
            c.refreshDue = false;
            c.probed = null;
            c.cgroup.clearProbe();
            if (c.activityDir == null) {
                continue;
            }
            c.probed = stats.cpuUsage(c.activityDir, errors, c.cgroup);
            if (c.usageAtRead != null && c.usageAtRead.equals(c.probed)) {
                c.idle = true;
                c.refreshDue = Math.floorMod(pass + e.getKey().stableHash(), IDLE_REFRESH) == 0 || pass - c.readPass >= IDLE_REFRESH;
                if (c.members != null) {
                    c.members.liveMemberPids(carriedStats);
                }
            }
        }
    }

    /** True when the {@code stat} of {@code pid} is carried over in this pass (its container is idle). */
    boolean carriesStat(int pid) {
        return carriedStats.get(pid);
    }

    /** A known process's turn to have its {@code cgroup} file read again: a rotation over the pids. */
    boolean cgroupDue(int pid, long readInPass) {
        return pass - readInPass >= CGROUP_RECHECK || ((pid ^ pass) % CGROUP_RECHECK) == 0;
    }

    /** A known process's turn to have its open-files limit (and, on kernels before 6.2, its descriptors) read again. */
    boolean processLimitsDue(int pid, long readInPass) {
        return pass - readInPass >= LIMITS_EVERY && ((pid ^ pass) % LIMITS_EVERY) == 0;
    }

    /** A known process's turn to have its namespace links read again: a slow rotation over the pids. */
    boolean linksDue(int pid, long readInPass) {
        return pass - readInPass >= LINKS_RECHECK && ((pid ^ pass) % LINKS_RECHECK) == 0;
    }

    /** The memory of a container assembled in this pass (new when it was not known; with its restarts if it came back). */
    Container container(ContainerKey key) {
        Container c = containers.get(key);
        if (c == null) {
            c = new Container();
            Left d = departed.returned(key);
            if (d != null) {
                c.lastPid1 = d.lastPid1();
                c.restarts = d.restarts();
            }
            containers.put(key, c);
        }
        c.seenPass = pass;
        return c;
    }

    /**
     * Notes the container's PID 1 of this pass: another than the last one is a restart. Returns how many restarts
     * the container has had.
     */
    static int pid1Seen(Container c, ProcessIdentity pid1) {
        if (pid1 != null) {
            if (c.lastPid1 != null && !c.lastPid1.equals(pid1)) {
                c.restarts++;
            }
            c.lastPid1 = pid1;
        }
        return c.restarts;
    }

    /** A claimed container's runtime metadata: read at first sight and when due, else the last read's. */
    ContainerMetadata metadata(ContainerKey key, CgroupClaim claim, long nowNanos, RuntimeMetadataReader reader, ErrorCounts errors) {
        Container c = container(key);
        if (c.metadata == null || nowNanos - c.metadataReadAt >= METADATA_REFRESH_NANOS) {
            c.metadata = reader.read(claim);
            c.metadataReadAt = nowNanos;
        }
        return c.metadata.counted(errors);
    }

    /** True when a container's last reading stands: it has not run, and it had figures to carry. */
    static boolean quiet(Container c) {
        return c.idle && c.figures != null;
    }

    /**
     * Tells the container's cgroup memory what the read about to happen may carry: the limits unless due
     * (or the container was idle until now, or is at its refresh turn), the blkio family unless due for a
     * new probe; files it lacked are forgotten when due.
     */
    CgroupMemory cgroupRead(Container c, boolean readLimits) {
        CgroupMemory m = c.cgroup;
        boolean wasIdle = c.activityDir != null && c.readPass < pass - 1;
        boolean limitsDue = readLimits || wasIdle || c.limitsReadPass < 0 || pass - c.limitsReadPass >= LIMITS_EVERY;
        if (limitsDue) {
            c.limitsReadPass = pass;
        }
        CgroupMemory.BlkioState blkio = m.blkio();
        boolean reprobe = blkio == null || !blkio.listedDevices() && pass - blkio.chosenInPass() >= BLKIO_REPROBE;
        if (m.lackingSince() >= 0 && pass - m.lackingSince() >= LACKING_RECHECK) {
            m.forgetLacking();
        }
        m.allow(pass, limitsDue, reprobe);
        return m;
    }

    /**
     * After a read of the container's cgroup: where its usage moves, and what it was before this pass read
     * its processes (the probe; a usage read now, after them, could hide a change in between).
     */
    void read(Container c, String activityDir, ContainerStats figures) {
        Double usage = figures.cpu() == null ? null : figures.cpu().usageSeconds();
        if (activityDir != null && usage != null) {
            c.usageAtRead = activityDir.equals(c.activityDir) ? c.probed : null;
            c.activityDir = activityDir;
            c.readPass = pass;
        } else {
            c.activityDir = null;
            c.usageAtRead = null;
        }
    }

    /** Ends a pass at {@code nowNanos}: the containers it did not assemble are forgotten, but for their restarts. */
    Set<ContainerKey> endPass(long nowNanos) {
        for (java.util.Iterator<Map.Entry<ContainerKey, Container>> it = containers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ContainerKey, Container> e = it.next();
            Container c = e.getValue();
            if (c.seenPass != pass) {
                it.remove();
                if (c.lastPid1 != null) {
                    departed.went(e.getKey(), new Left(c.lastPid1, c.restarts), nowNanos);
                }
            }
        }
        departed.forget(nowNanos);
        return containers.keySet();
    }
}
