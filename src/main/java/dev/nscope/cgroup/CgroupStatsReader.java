package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.NetDev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one container's {@link ContainerStats} from its cgroup files, each file once per call, through
 * one reusable buffer (one reader per scanning thread).
 *
 * <p>Design: every figure comes from the hierarchy that really carries its controller. On pure v2 that
 * is the unified hierarchy (v2 file names); on v1 and hybrid hosts it is the v1 hierarchy of the
 * controller ({@code cpu}, {@code cpuacct}, {@code memory}, {@code blkio}, {@code pids}, v1 file
 * names, see {@link CgroupV1Stats}); the v2 hierarchy of a hybrid host carries no controllers, but it
 * does carry PSI, so pressure is read there. A figure whose file the kernel lacks is null; a part whose
 * cgroup directory vanished during the read is null as a whole (the container is gone); a part with
 * no figure at all is null. Malformed files and I/O failures are counted in the caller's
 * {@link ErrorCounts}; absent files are not.
 */
public final class CgroupStatsReader {
    private static final FlatKeyedFile.Keys CPU_STAT = FlatKeyedFile.Keys.of("usage_usec", "user_usec", "system_usec",
            "nr_periods", "nr_throttled", "throttled_usec");
    private static final FlatKeyedFile.Keys MEMORY_STAT = FlatKeyedFile.Keys.of("anon", "file", "inactive_file");
    static final FlatKeyedFile.Keys OOM_KILL = FlatKeyedFile.Keys.of("oom_kill");
    private static final FlatKeyedFile.Keys PIDS_EVENTS = FlatKeyedFile.Keys.of("max");
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> CPU_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, CPU_STAT);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> MEMORY_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, MEMORY_STAT);
    static final CgroupFiles.Parser<FlatKeyedFile.Values> OOM_KILL_FILE = (b, n) -> FlatKeyedFile.parse(b, n, OOM_KILL);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> PIDS_EVENTS_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, PIDS_EVENTS);
    private static final String LOOPBACK = "lo";

    private final HostPaths host;
    private final CgroupLayout layout;
    private final CgroupFiles files = new CgroupFiles();
    /**
     * Per directory, the CPU usage file as {@link #cpuUsage} parsed it in this pass ({@code cpu.stat} values
     * on v2, {@code cpuacct.usage} nanoseconds on v1), taken by {@link #read} instead of reading it again.
     */
    private final Map<String, Object> probed = new HashMap<>();
    private final CgroupV1Stats v1;

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
    }

    /**
     * Starts a scan pass. Limits and peaks are read every few passes only (they change when someone
     * changes them), file names the kernel lacks are not tried again, and a v1 blkio family that
     * listed devices is read alone.
     */
    public void beginPass() {
        files.beginPass();
        probed.clear();
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
     * Null when unreadable.
     */
    public Double cpuUsage(String activityDir, ErrorCounts errors) {
        files.begin(errors);
        files.startPart();
        if (layout.version() == CgroupVersion.V2) {
            FlatKeyedFile.Values stat = files.read(activityDir, "cpu.stat", CPU_STAT_FILE);
            if (stat != null) {
                probed.put(activityDir, stat);
            }
            return seconds(stat, 0, 1e6);
        }
        Long ns = files.read(activityDir, "cpuacct.usage", SingleValueFile::parse);
        if (ns != null) {
            probed.put(activityDir, ns);
        }
        return ns == null ? null : ns / 1e9;
    }

    /** The cgroup figures of a container; no network part. */
    public ContainerStats read(CgroupPaths paths, ErrorCounts errors) {
        return read(paths::get, 0, errors);
    }

    /** The cgroup figures, and the network part read through {@code /proc/<netPid>/net/dev} when {@code netPid > 0}. */
    public ContainerStats read(CgroupPaths paths, int netPid, ErrorCounts errors) {
        return read(paths::get, netPid, errors);
    }

    /**
     * As {@link #read(CgroupPaths, int, ErrorCounts)} with the container's normalised cgroup path per
     * hierarchy given by {@code pathOf} (null where it has none, e.g. {@code Map::get}).
     */
    public ContainerStats read(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors) {
        return read(pathOf, netPid, errors, false);
    }

    /**
     * As {@link #read(Function, int, ErrorCounts)}; {@code refreshSlow} reads the limits and peaks again
     * too, for a cgroup not read for a few passes (an idle container at its turn).
     */
    public ContainerStats read(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors, boolean refreshSlow) {
        return read(pathOf, netPid, errors, refreshSlow, null);
    }

    /**
     * The figures of a cgroup whose CPU usage has not moved since {@code cpuBefore} was read (its tasks have
     * not run): the CPU counters cannot have moved either and are carried over, the CPU quota is read again
     * with the other limits, and every other figure (memory the kernel reclaims, IO written back, pressure)
     * is read as by {@link #read(Function, int, ErrorCounts, boolean)}.
     */
    public ContainerStats readIdle(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors, ContainerStats.Cpu cpuBefore) {
        return read(pathOf, netPid, errors, true, cpuBefore);
    }

    private ContainerStats read(Function<Hierarchy, String> pathOf, int netPid, ErrorCounts errors, boolean refreshSlow,
                                ContainerStats.Cpu cpuBefore) {
        files.begin(errors, refreshSlow);
        ContainerStats.Cpu cpu;
        ContainerStats.Memory memory;
        ContainerStats.Io io;
        ContainerStats.Pids pids;
        ContainerStats.Pressure pressure;
        if (layout.version() == CgroupVersion.V2) {
            String dir = dir(layout.unified(), pathOf);
            cpu = cpuBefore == null ? cpu(dir) : withQuota(cpuBefore, quota(dir));
            memory = memory(dir);
            io = io(dir);
            pids = pids(dir);
            pressure = pressure(dir);
        } else {
            String cpuacct = dir(layout.forController("cpuacct"), pathOf);
            cpu = cpuBefore == null ? v1.cpu(dir(layout.forController("cpu"), pathOf), cpuacct,
                    cpuacct == null ? null : (Long) probed.remove(cpuacct))
                    : withQuota(cpuBefore, v1.quota(dir(layout.forController("cpu"), pathOf)));
            memory = v1.memory(dir(layout.forController("memory"), pathOf));
            io = v1.io(dir(layout.forController("blkio"), pathOf));
            pids = pids(dir(layout.forController("pids"), pathOf));
            pressure = layout.unified() == null ? null : pressure(dir(layout.unified(), pathOf));
        }
        ContainerStats.Network network = netPid > 0 ? readNetwork(netPid, errors) : null;
        return new ContainerStats(cpu, memory, io, pids, pressure, network);
    }

    /**
     * The traffic of the network namespace of {@code pid}, from {@code /proc/<pid>/net/dev}; null when the
     * process is gone or the file unusable (counted). Totals leave out {@code lo}.
     */
    public ContainerStats.Network readNetwork(int pid, ErrorCounts errors) {
        files.begin(errors);
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

    private static ContainerStats.Cpu withQuota(ContainerStats.Cpu c, Double quotaCores) {
        return new ContainerStats.Cpu(c.usageSeconds(), c.userSeconds(), c.systemSeconds(), c.periods(), c.throttledPeriods(),
                c.throttledSeconds(), quotaCores);
    }

    /** The CPU quota in cores from {@code cpu.max}; null when there is none. */
    private Double quota(String dir) {
        files.startPart();
        CpuMax max = files.readSlow(dir, "cpu.max", CpuMax::parse);
        return max == null ? null : max.quotaCores();
    }

    private ContainerStats.Cpu cpu(String dir) {
        files.startPart();
        FlatKeyedFile.Values stat = dir == null ? null : (FlatKeyedFile.Values) probed.remove(dir);
        if (stat == null) {
            stat = files.read(dir, "cpu.stat", CPU_STAT_FILE);
        }
        CpuMax max = files.readSlow(dir, "cpu.max", CpuMax::parse);
        if (files.vanished() || (stat == null && max == null)) {
            return null;
        }
        return new ContainerStats.Cpu(seconds(stat, 0, 1e6), seconds(stat, 1, 1e6), seconds(stat, 2, 1e6),
                get(stat, 3), get(stat, 4), seconds(stat, 5, 1e6), max == null ? null : max.quotaCores());
    }

    private ContainerStats.Memory memory(String dir) {
        files.startPart();
        Long usage = files.read(dir, "memory.current", SingleValueFile::parse);
        FlatKeyedFile.Values stat = files.read(dir, "memory.stat", MEMORY_STAT_FILE);
        Long limit = files.readSlow(dir, "memory.max", SingleValueFile::parseLimit);
        Long peak = files.readSlow(dir, "memory.peak", SingleValueFile::parse);
        Long swap = files.read(dir, "memory.swap.current", SingleValueFile::parse);
        FlatKeyedFile.Values events = files.read(dir, "memory.events", OOM_KILL_FILE);
        if (files.vanished() || (usage == null && stat == null && limit == null && peak == null && swap == null
                && events == null)) {
            return null;
        }
        return new ContainerStats.Memory(usage, workingSet(usage, get(stat, 2)), get(stat, 0), get(stat, 1), swap,
                limit, peak, get(events, 0));
    }

    private ContainerStats.Io io(String dir) {
        files.startPart();
        List<ContainerStats.Device> devices = files.read(dir, "io.stat", IoStat::parse);
        if (files.vanished() || devices == null) {
            return null;
        }
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        for (ContainerStats.Device d : devices) {
            rb = add(rb, d.readBytes());
            wb = add(wb, d.writeBytes());
            ro = add(ro, d.readOps());
            wo = add(wo, d.writeOps());
        }
        return new ContainerStats.Io(rb, wb, ro, wo, List.copyOf(devices));
    }

    /** The pids controller has the same files on v1 and v2. */
    private ContainerStats.Pids pids(String dir) {
        files.startPart();
        Long current = files.read(dir, "pids.current", SingleValueFile::parse);
        Long limit = files.readSlow(dir, "pids.max", SingleValueFile::parseLimit);
        FlatKeyedFile.Values events = files.read(dir, "pids.events", PIDS_EVENTS_FILE);
        if (files.vanished() || (current == null && limit == null && events == null)) {
            return null;
        }
        return new ContainerStats.Pids(current, limit, get(events, 0));
    }

    private ContainerStats.Pressure pressure(String dir) {
        files.startPart();
        ContainerStats.Stall cpu = stall(files.read(dir, "cpu.pressure", PressureFile::parse));
        ContainerStats.Stall memory = stall(files.read(dir, "memory.pressure", PressureFile::parse));
        ContainerStats.Stall io = stall(files.read(dir, "io.pressure", PressureFile::parse));
        if (files.vanished() || (cpu == null && memory == null && io == null)) {
            return null;
        }
        return new ContainerStats.Pressure(cpu, memory, io);
    }

    private static ContainerStats.Stall stall(PressureFile p) {
        if (p == null) {
            return null;
        }
        return new ContainerStats.Stall(p.someTotalUsec() / 1e6,
                p.fullTotalUsec() == null ? null : p.fullTotalUsec() / 1e6);
    }

    /** The directory of the container's cgroup in {@code h}, or null when it has none there. */
    private static String dir(Hierarchy h, Function<Hierarchy, String> pathOf) {
        String path = h == null ? null : pathOf.apply(h);
        return path == null ? null : h.resolve(path).toString();
    }

    static Long get(FlatKeyedFile.Values v, int key) {
        return v == null ? null : v.get(key);
    }

    static Double seconds(FlatKeyedFile.Values v, int key, double perSecond) {
        Long x = get(v, key);
        return x == null ? null : x / perSecond;
    }

    /** Usage minus inactive file cache, never below 0; null when either is unknown. */
    static Long workingSet(Long usage, Long inactiveFile) {
        if (usage == null || inactiveFile == null) {
            return null;
        }
        return Math.max(0, usage - inactiveFile);
    }

    /** Saturating addition of non-negative counters. */
    static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
