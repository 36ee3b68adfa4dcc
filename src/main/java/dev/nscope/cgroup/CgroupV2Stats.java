package dev.nscope.cgroup;

import java.util.List;

import static dev.nscope.cgroup.Figures.add;
import static dev.nscope.cgroup.Figures.get;
import static dev.nscope.cgroup.Figures.seconds;

/**
 * The parts of {@link ContainerStats} from a cgroup v2 directory (pure v2 hosts), for
 * {@link CgroupStatsReader}: {@code cpu.stat}, {@code cpu.max} and {@code cpu.weight}; {@code memory.current},
 * {@code memory.stat}, {@code memory.max}, {@code memory.high}, {@code memory.low}, {@code memory.min},
 * {@code memory.peak} (5.19+), {@code memory.swap.current}, {@code memory.swap.max}, {@code memory.events};
 * {@code io.stat}; the pids files (v1 and v2 alike); the PSI files ({@code cpu.pressure},
 * {@code memory.pressure}, {@code io.pressure}, 4.20+), which a hybrid host's unified hierarchy carries too.
 */
final class CgroupV2Stats {
    static final FlatKeyedFile.Keys CPU_STAT = FlatKeyedFile.Keys.of("usage_usec", "user_usec", "system_usec",
            "nr_periods", "nr_throttled", "throttled_usec");
    static final FlatKeyedFile.Key USAGE_USEC = CPU_STAT.key("usage_usec");
    private static final FlatKeyedFile.Key USER_USEC = CPU_STAT.key("user_usec");
    private static final FlatKeyedFile.Key SYSTEM_USEC = CPU_STAT.key("system_usec");
    private static final FlatKeyedFile.Key NR_PERIODS = CPU_STAT.key("nr_periods");
    private static final FlatKeyedFile.Key NR_THROTTLED = CPU_STAT.key("nr_throttled");
    private static final FlatKeyedFile.Key THROTTLED_USEC = CPU_STAT.key("throttled_usec");
    private static final FlatKeyedFile.Keys MEMORY_STAT = FlatKeyedFile.Keys.of("anon", "file", "inactive_file",
            "file_mapped", "kernel");
    private static final FlatKeyedFile.Key ANON = MEMORY_STAT.key("anon");
    private static final FlatKeyedFile.Key FILE = MEMORY_STAT.key("file");
    private static final FlatKeyedFile.Key INACTIVE_FILE = MEMORY_STAT.key("inactive_file");
    private static final FlatKeyedFile.Key FILE_MAPPED = MEMORY_STAT.key("file_mapped");
    /** Kernel memory in all (5.18+). */
    private static final FlatKeyedFile.Key KERNEL = MEMORY_STAT.key("kernel");
    static final FlatKeyedFile.Keys OOM_KILL = FlatKeyedFile.Keys.of("oom_kill");
    static final FlatKeyedFile.Key OOM_KILLS = OOM_KILL.key("oom_kill");
    private static final FlatKeyedFile.Keys MEMORY_EVENTS = FlatKeyedFile.Keys.of("low", "high", "max", "oom", "oom_kill",
            "oom_group_kill");
    private static final FlatKeyedFile.Key EV_LOW = MEMORY_EVENTS.key("low");
    private static final FlatKeyedFile.Key EV_HIGH = MEMORY_EVENTS.key("high");
    private static final FlatKeyedFile.Key EV_MAX = MEMORY_EVENTS.key("max");
    private static final FlatKeyedFile.Key EV_OOM = MEMORY_EVENTS.key("oom");
    private static final FlatKeyedFile.Key EV_OOM_KILL = MEMORY_EVENTS.key("oom_kill");
    private static final FlatKeyedFile.Key EV_OOM_GROUP_KILL = MEMORY_EVENTS.key("oom_group_kill");
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> MEMORY_EVENTS_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, MEMORY_EVENTS);
    private static final FlatKeyedFile.Keys PIDS_EVENTS = FlatKeyedFile.Keys.of("max");
    private static final FlatKeyedFile.Key FORKS_REFUSED = PIDS_EVENTS.key("max");
    static final CgroupFiles.Parser<FlatKeyedFile.Values> CPU_STAT_FILE = (b, n) -> FlatKeyedFile.parse(b, n, CPU_STAT);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> MEMORY_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, MEMORY_STAT);
    static final CgroupFiles.Parser<FlatKeyedFile.Values> OOM_KILL_FILE = (b, n) -> FlatKeyedFile.parse(b, n, OOM_KILL);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> PIDS_EVENTS_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, PIDS_EVENTS);

    private final CgroupFiles files;

    CgroupV2Stats(CgroupFiles files) {
        this.files = files;
    }

    /** {@code cpu.stat} as the idle probe reads it. */
    FlatKeyedFile.Values cpuStat(String dir) {
        return files.read(dir, "cpu.stat", CPU_STAT_FILE);
    }

    /** Usage in seconds from a parsed {@code cpu.stat}. */
    static Double usageSeconds(FlatKeyedFile.Values stat) {
        return seconds(stat, USAGE_USEC, 1e6);
    }

    /** {@code probed}: {@code cpu.stat} as already parsed in this pass, null to read it. */
    ContainerStats.Cpu cpu(String dir, FlatKeyedFile.Values probed) {
        files.startPart();
        FlatKeyedFile.Values stat = probed != null ? probed : files.read(dir, "cpu.stat", CPU_STAT_FILE);
        ContainerStats.Cpu limits = limits(dir);
        if (files.vanished() || (stat == null && limits == null)) {
            return null;
        }
        return new ContainerStats.Cpu(seconds(stat, USAGE_USEC, 1e6), seconds(stat, USER_USEC, 1e6),
                seconds(stat, SYSTEM_USEC, 1e6), get(stat, NR_PERIODS), get(stat, NR_THROTTLED),
                seconds(stat, THROTTLED_USEC, 1e6), null).withLimits(limits);
    }

    /** The CPU limits: the CFS quota and period from {@code cpu.max}, the weight; null when the cgroup has neither. */
    ContainerStats.Cpu limits(String dir) {
        CpuMax max = files.readSlow(dir, "cpu.max", CpuMax::parse);
        Long weight = files.readSlow(dir, "cpu.weight", SingleValueFile::parse);
        if (max == null && weight == null) {
            return null;
        }
        return new ContainerStats.Cpu(null, null, null, null, null, null, max == null ? null : max.quotaCores(),
                max == null ? null : max.quotaUsec(), max == null ? null : max.periodUsec(), weight, null);
    }

    ContainerStats.Memory memory(String dir) {
        files.startPart();
        Long usage = files.read(dir, "memory.current", SingleValueFile::parse);
        FlatKeyedFile.Values stat = files.read(dir, "memory.stat", MEMORY_STAT_FILE);
        Long limit = files.readSlow(dir, "memory.max", SingleValueFile::parseLimit);
        Long high = files.readSlow(dir, "memory.high", SingleValueFile::parseLimit);
        Long low = files.readSlow(dir, "memory.low", SingleValueFile::parseLimit);
        Long min = files.readSlow(dir, "memory.min", SingleValueFile::parseLimit);
        Long swapMax = files.readSlow(dir, "memory.swap.max", SingleValueFile::parseLimit);
        Long peak = files.readSlow(dir, "memory.peak", SingleValueFile::parse);
        Long swap = files.read(dir, "memory.swap.current", SingleValueFile::parse);
        FlatKeyedFile.Values events = files.read(dir, "memory.events", MEMORY_EVENTS_FILE);
        if (files.vanished() || (usage == null && stat == null && limit == null && peak == null && swap == null
                && events == null)) {
            return null;
        }
        ContainerStats.MemoryEvents ev = events == null ? null : new ContainerStats.MemoryEvents(get(events, EV_LOW),
                get(events, EV_HIGH), get(events, EV_MAX), get(events, EV_OOM), get(events, EV_OOM_KILL), get(events, EV_OOM_GROUP_KILL));
        return new ContainerStats.Memory(usage, Figures.workingSet(usage, get(stat, INACTIVE_FILE)), get(stat, ANON),
                get(stat, FILE), swap, limit, peak, get(events, EV_OOM_KILL), high, low, min, swapMax, get(stat, FILE_MAPPED),
                get(stat, KERNEL), ev);
    }

    ContainerStats.Io io(String dir) {
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
    ContainerStats.Pids pids(String dir) {
        files.startPart();
        Long current = files.read(dir, "pids.current", SingleValueFile::parse);
        Long limit = files.readSlow(dir, "pids.max", SingleValueFile::parseLimit);
        FlatKeyedFile.Values events = files.read(dir, "pids.events", PIDS_EVENTS_FILE);
        if (files.vanished() || (current == null && limit == null && events == null)) {
            return null;
        }
        return new ContainerStats.Pids(current, limit, get(events, FORKS_REFUSED));
    }

    ContainerStats.Pressure pressure(String dir) {
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
        PressureFile.Line some = p.some();
        PressureFile.Line full = p.full();
        return new ContainerStats.Stall(some.totalUsec() / 1e6, full == null ? null : full.totalUsec() / 1e6,
                avg(some.avg10()), avg(some.avg60()), avg(some.avg300()), full == null ? null : avg(full.avg10()),
                full == null ? null : avg(full.avg60()), full == null ? null : avg(full.avg300()));
    }

    private static Double avg(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
