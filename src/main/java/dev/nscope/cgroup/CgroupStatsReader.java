package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.NetDev;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.nscope.cgroup.Figures.add;

/**
 * Reads one container's {@link ContainerStats} from its cgroup files, each file once per call, through
 * one reusable buffer (one reader per scanning thread).
 *
 * <p>Design: every figure comes from the hierarchy that really carries its controller. On pure v2 that
 * is the unified hierarchy (v2 file names, {@link CgroupV2Stats}); on v1 and hybrid hosts it is the v1
 * hierarchy of the controller ({@code cpu}, {@code cpuacct}, {@code memory}, {@code blkio}, {@code pids},
 * v1 file names, see {@link CgroupV1Stats}); the v2 hierarchy of a hybrid host carries no controllers, but
 * it does carry PSI, so pressure is read there. A figure whose file the kernel lacks is null; a part whose
 * cgroup directory vanished during the read is null as a whole (the container is gone); a part with no
 * figure at all is null. Malformed files and I/O failures are counted in the caller's {@link ErrorCounts};
 * absent files are not. What a read may take from earlier ones (limits, files the cgroup lacks, the blkio
 * family) is in the container's {@link CgroupMemory}, which the caller hands in and governs.
 */
public final class CgroupStatsReader {
    private static final String LOOPBACK = "lo";

    private final HostPaths host;
    private final CgroupLayout layout;
    private final CgroupFiles files = new CgroupFiles();
    private final CgroupV1Stats v1;
    private final CgroupV2Stats v2 = new CgroupV2Stats(files);
    private final BlockDevices devices;

    /** A reader for v1 {@code cpuacct.stat} in the usual 100 ticks per second. */
    public CgroupStatsReader(HostPaths host, CgroupLayout layout) {
        this(host, layout, 100);
    }

    /** @param ticksPerSecond USER_HZ, the unit of v1 {@code cpuacct.stat} (see {@code ClockTicks.perSecond()}) */
    public CgroupStatsReader(HostPaths host, CgroupLayout layout, long ticksPerSecond) {
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("ticksPerSecond must be positive: " + ticksPerSecond);
        }
        this.host = host;
        this.layout = layout;
        this.v1 = new CgroupV1Stats(files, ticksPerSecond);
        this.devices = new BlockDevices(host);
    }

    /**
     * The directory whose CPU usage file moves whenever the container runs ({@code cpuacct} on v1 and
     * hybrid hosts, the unified hierarchy on v2); null when it has none. See {@link #cpuUsage}.
     */
    public String activityDir(Function<Hierarchy, String> pathOf) {
        return layout.version() == CgroupVersion.V2 ? dir(layout.unified(), pathOf) : dir(layout.forController("cpuacct"), pathOf);
    }

    /**
     * The container's CPU usage in seconds from that one file, exactly as {@link #read} reports it
     * ({@code cpuacct.usage} or {@code cpu.stat} {@code usage_usec}): a cheap probe of whether it ran at all.
     * What it parsed is kept in {@code memory} for the read of the same pass. Null when unreadable.
     */
    public Double cpuUsage(String activityDir, ErrorCounts errors, CgroupMemory memory) {
        files.begin(errors, memory);
        files.startPart();
        if (layout.version() == CgroupVersion.V2) {
            FlatKeyedFile.Values stat = v2.cpuStat(activityDir);
            memory.probed(activityDir, stat, null);
            return CgroupV2Stats.usageSeconds(stat);
        }
        Long ns = files.read(activityDir, "cpuacct.usage", SingleValueFile::parse);
        memory.probed(activityDir, null, ns);
        return ns == null ? null : ns / 1e9;
    }

    /** The cgroup figures of a container, every file read; no network part. */
    public ContainerStats read(CgroupPaths paths, ErrorCounts errors) {
        return read(paths::get, 0, errors, null, null);
    }

    /** The cgroup figures, every file read, and the network part read through {@code /proc/<netPid>/net/dev} when {@code netPid > 0}. */
    public ContainerStats read(CgroupPaths paths, int netPid, ErrorCounts errors) {
        return read(paths::get, netPid, errors, null, null);
    }

    /** As {@link #read(Function, int, ErrorCounts, CgroupMemory, ContainerStats.Cpu)}, every file read. */
    public ContainerStats read(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors) {
        return read(pathOf, netPid, errors, null, null);
    }

    /**
     * The figures of a container whose normalised cgroup path per hierarchy {@code pathOf} gives (null where
     * it has none), with the network part of {@code netPid} when it is positive.
     *
     * @param memory    what earlier reads of this container left, and what this read may take from it
     *                  (null: read everything, keep nothing)
     * @param cpuBefore the CPU figures of a container that has not run since they were read (null: read
     *                  them): its CPU counters cannot have moved and are carried over, the quota is read as
     *                  the other limits are; memory the kernel reclaims, IO written back and pressure are read
     */
    public ContainerStats read(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors, CgroupMemory memory,
                               ContainerStats.Cpu cpuBefore) {
        files.begin(errors, memory);
        ContainerStats.Cpu cpu;
        ContainerStats.Memory mem;
        ContainerStats.Io io;
        ContainerStats.Pids pids;
        ContainerStats.Pressure pressure;
        if (layout.version() == CgroupVersion.V2) {
            String dir = dir(layout.unified(), pathOf);
            if (cpuBefore == null) {
                cpu = v2.cpu(dir, memory == null ? null : memory.probedCpuStat(dir));
            } else {
                files.startPart();
                cpu = cpuBefore.withLimits(v2.limits(dir));
            }
            mem = v2.memory(dir);
            io = v2.io(dir);
            pids = v2.pids(dir);
            pressure = v2.pressure(dir);
        } else {
            String cpuDir = dir(layout.forController("cpu"), pathOf);
            String cpuacctDir = dir(layout.forController("cpuacct"), pathOf);
            if (cpuBefore == null) {
                cpu = v1.cpu(cpuDir, cpuacctDir, memory == null ? null : memory.probedUsageNs(cpuacctDir));
            } else {
                files.startPart();
                cpu = cpuBefore.withLimits(v1.limits(cpuDir));
            }
            mem = v1.memory(dir(layout.forController("memory"), pathOf));
            io = v1.io(dir(layout.forController("blkio"), pathOf));
            pids = v2.pids(dir(layout.forController("pids"), pathOf));
            pressure = layout.unified() == null ? null : v2.pressure(dir(layout.unified(), pathOf));
        }
        if (memory != null) {
            memory.clearProbe();
        }
        io = named(io);
        ContainerStats.Network network = netPid > 0 ? readNetwork(netPid, errors) : null;
        return new ContainerStats(cpu, mem, io, pids, pressure, network);
    }

    /**
     * The traffic of the network namespace of {@code pid}, from {@code /proc/<pid>/net/dev}; null when the
     * process is gone or the file unusable (counted). Totals leave out {@code lo}.
     */
    public ContainerStats.Network readNetwork(int pid, ErrorCounts errors) {
        files.begin(errors, null);
        NetDev dev = files.read(host.pidDir(pid) + "/net", "dev", NetDev::parse);
        if (dev == null) {
            return null;
        }
        long[] sum = new long[8];
        List<ContainerStats.Interface> list = new ArrayList<>(dev.interfaces().size());
        for (NetDev.Interface i : dev.interfaces()) {
            ContainerStats.Interface c = new ContainerStats.Interface(i.name(), i.rxBytes(), i.txBytes(),
                    i.rxPackets(), i.txPackets(), i.rxErrors(), i.txErrors(), i.rxDropped(), i.txDropped());
            list.add(c);
            if (!i.name().equals(LOOPBACK)) {
                long[] v = {c.rxBytes(), c.txBytes(), c.rxPackets(), c.txPackets(), c.rxErrors(), c.txErrors(),
                        c.rxDropped(), c.txDropped()};
                for (int k = 0; k < sum.length; k++) {
                    sum[k] = add(sum[k], v[k]);
                }
            }
        }
        return new ContainerStats.Network(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7],
                List.copyOf(list));
    }

    /** The IO figures with each device's name. */
    private ContainerStats.Io named(ContainerStats.Io io) {
        if (io == null || io.devices() == null || io.devices().isEmpty()) {
            return io;
        }
        List<ContainerStats.Device> out = new ArrayList<>(io.devices().size());
        for (ContainerStats.Device d : io.devices()) {
            out.add(d.withName(devices.name(d.device())));
        }
        return new ContainerStats.Io(io.readBytes(), io.writeBytes(), io.readOps(), io.writeOps(), List.copyOf(out));
    }

    /** The directory of the container's cgroup in {@code h}, or null when it has none there. */
    private static String dir(Hierarchy h, Function<Hierarchy, String> pathOf) {
        String path = h == null ? null : pathOf.apply(h);
        return path == null ? null : h.resolve(path).toString();
    }
}
