package dev.nscope.cgroup;

import java.util.ArrayList;
import java.util.List;

import static dev.nscope.cgroup.Figures.add;
import static dev.nscope.cgroup.Figures.either;
import static dev.nscope.cgroup.Figures.get;
import static dev.nscope.cgroup.Figures.seconds;

/**
 * The cpu, memory and IO parts from cgroup v1 hierarchies (v1 and hybrid hosts), for
 * {@link CgroupStatsReader}:
 * <ul>
 *   <li>cpu: {@code cpuacct.usage} (ns) and {@code cpuacct.stat} (USER_HZ ticks) of the cpuacct
 *       hierarchy; {@code cpu.stat} ({@code throttled_time} in ns) and {@code cpu.cfs_quota_us} /
 *       {@code cpu.cfs_period_us} of the cpu hierarchy (the two are often one, {@code cpu,cpuacct});</li>
 *   <li>memory: {@code memory.usage_in_bytes}, {@code memory.stat} (the hierarchical {@code total_*}
 *       figures, else the local ones), {@code memory.limit_in_bytes}, {@code memory.max_usage_in_bytes}
 *       as the peak, {@code memory.oom_control} ({@code oom_kill} since 4.13);</li>
 *   <li>IO: the blkio byte and operation files, see {@link #BLKIO}.</li>
 * </ul>
 */
final class CgroupV1Stats {
    private static final FlatKeyedFile.Keys CPU_STAT = FlatKeyedFile.Keys.of("nr_periods", "nr_throttled",
            "throttled_time");
    private static final FlatKeyedFile.Key NR_PERIODS = CPU_STAT.key("nr_periods");
    private static final FlatKeyedFile.Key NR_THROTTLED = CPU_STAT.key("nr_throttled");
    private static final FlatKeyedFile.Key THROTTLED_TIME = CPU_STAT.key("throttled_time");
    private static final FlatKeyedFile.Keys CPUACCT_STAT = FlatKeyedFile.Keys.of("user", "system");
    private static final FlatKeyedFile.Key USER = CPUACCT_STAT.key("user");
    private static final FlatKeyedFile.Key SYSTEM = CPUACCT_STAT.key("system");
    private static final FlatKeyedFile.Keys MEMORY_STAT = FlatKeyedFile.Keys.of("total_rss", "rss", "total_cache",
            "cache", "total_swap", "swap", "total_inactive_file", "inactive_file", "total_mapped_file", "mapped_file");
    private static final FlatKeyedFile.Key TOTAL_MAPPED_FILE = MEMORY_STAT.key("total_mapped_file");
    private static final FlatKeyedFile.Key MAPPED_FILE = MEMORY_STAT.key("mapped_file");
    private static final FlatKeyedFile.Key TOTAL_RSS = MEMORY_STAT.key("total_rss");
    private static final FlatKeyedFile.Key RSS = MEMORY_STAT.key("rss");
    private static final FlatKeyedFile.Key TOTAL_CACHE = MEMORY_STAT.key("total_cache");
    private static final FlatKeyedFile.Key CACHE = MEMORY_STAT.key("cache");
    private static final FlatKeyedFile.Key TOTAL_SWAP = MEMORY_STAT.key("total_swap");
    private static final FlatKeyedFile.Key SWAP = MEMORY_STAT.key("swap");
    private static final FlatKeyedFile.Key TOTAL_INACTIVE_FILE = MEMORY_STAT.key("total_inactive_file");
    private static final FlatKeyedFile.Key INACTIVE_FILE = MEMORY_STAT.key("inactive_file");
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> CPU_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, CPU_STAT);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> CPUACCT_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, CPUACCT_STAT);
    private static final CgroupFiles.Parser<FlatKeyedFile.Values> MEMORY_STAT_FILE =
            (b, n) -> FlatKeyedFile.parse(b, n, MEMORY_STAT);

    /**
     * Byte and operation files in order of preference: the throttle policy's (present whenever the kernel
     * has blk-throttle, counting all IO of the cgroup), then BFQ's and CFQ's. The first whose byte file
     * lists a device wins; when none does, the first that exists gives zeros.
     */
    static final String[][] BLKIO = {
            {"blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_serviced_recursive"},
            {"blkio.throttle.io_service_bytes", "blkio.throttle.io_serviced"},
            {"blkio.bfq.io_service_bytes_recursive", "blkio.bfq.io_serviced_recursive"},
            {"blkio.bfq.io_service_bytes", "blkio.bfq.io_serviced"},
            {"blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive"},
            {"blkio.io_service_bytes", "blkio.io_serviced"},
    };

    private final CgroupFiles files;
    private final double ticksPerSecond;

    CgroupV1Stats(CgroupFiles files, long ticksPerSecond) {
        this.files = files;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** {@code probedUsageNs}: {@code cpuacct.usage} as already read in this pass, null to read it. */
    ContainerStats.Cpu cpu(String cpuDir, String cpuacctDir, Long probedUsageNs) {
        files.startPart();
        Long usageNs = probedUsageNs != null ? probedUsageNs : files.read(cpuacctDir, "cpuacct.usage", SingleValueFile::parse);
        FlatKeyedFile.Values acct = files.read(cpuacctDir, "cpuacct.stat", CPUACCT_STAT_FILE);
        FlatKeyedFile.Values stat = files.read(cpuDir, "cpu.stat", CPU_STAT_FILE);
        ContainerStats.Cpu limits = limits(cpuDir);
        if (files.vanished() || (usageNs == null && acct == null && stat == null && limits == null)) {
            return null;
        }
        return new ContainerStats.Cpu(usageNs == null ? null : usageNs / 1e9, seconds(acct, USER, ticksPerSecond),
                seconds(acct, SYSTEM, ticksPerSecond), get(stat, NR_PERIODS), get(stat, NR_THROTTLED),
                seconds(stat, THROTTLED_TIME, 1e9), null).withLimits(limits);
    }

    /**
     * The CPU limits: the quota ({@code cpu.cfs_quota_us}, none for -1) over the period ({@code cpu.cfs_period_us}),
     * and {@code cpu.shares}; null when the cgroup has none of them.
     */
    ContainerStats.Cpu limits(String cpuDir) {
        Long quota = files.readSlow(cpuDir, "cpu.cfs_quota_us", CpuCfs::parseQuota);
        Long period = files.readSlow(cpuDir, "cpu.cfs_period_us", CpuCfs::parsePeriod);
        Long shares = files.readSlow(cpuDir, "cpu.shares", SingleValueFile::parse);
        if (period == null && shares == null) {
            return null;
        }
        Double cores = quota == null || period == null ? null : new CpuMax(quota, period).quotaCores();
        return new ContainerStats.Cpu(null, null, null, null, null, null, cores, quota, period, null, shares);
    }

    ContainerStats.Memory memory(String dir) {
        files.startPart();
        Long usage = files.read(dir, "memory.usage_in_bytes", SingleValueFile::parse);
        FlatKeyedFile.Values stat = files.read(dir, "memory.stat", MEMORY_STAT_FILE);
        Long limit = files.readSlow(dir, "memory.limit_in_bytes", SingleValueFile::parseLimit);
        Long soft = files.readSlow(dir, "memory.soft_limit_in_bytes", SingleValueFile::parseLimit);
        Long memsw = files.readSlow(dir, "memory.memsw.limit_in_bytes", SingleValueFile::parseLimit);
        Long peak = files.readSlow(dir, "memory.max_usage_in_bytes", SingleValueFile::parse);
        Long failcnt = files.read(dir, "memory.failcnt", SingleValueFile::parse);
        Long kernel = files.read(dir, "memory.kmem.usage_in_bytes", SingleValueFile::parse);
        FlatKeyedFile.Values oom = files.read(dir, "memory.oom_control", CgroupV2Stats.OOM_KILL_FILE);
        if (files.vanished() || (usage == null && stat == null && limit == null && peak == null && oom == null)) {
            return null;
        }
        Long inactiveFile = either(stat, TOTAL_INACTIVE_FILE, INACTIVE_FILE);
        Long oomKills = get(oom, CgroupV2Stats.OOM_KILLS);
        // swap beyond the memory limit: the memory+swap limit less the memory one (both unlimited: none)
        Long swapLimit = memsw == null || limit == null ? null : Math.max(0, memsw - limit);
        ContainerStats.MemoryEvents events = failcnt == null && oomKills == null ? null
                : new ContainerStats.MemoryEvents(null, null, failcnt, null, oomKills, null);
        return new ContainerStats.Memory(usage, Figures.workingSet(usage, inactiveFile), either(stat, TOTAL_RSS, RSS),
                either(stat, TOTAL_CACHE, CACHE), either(stat, TOTAL_SWAP, SWAP), limit, peak, oomKills, null, soft, null,
                swapLimit, either(stat, TOTAL_MAPPED_FILE, MAPPED_FILE), kernel, events);
    }

    /**
     * The byte and operation counts of the blkio family chosen for this cgroup (kept in its
     * {@link CgroupMemory}): at the first read, and whenever the memory allows a new probe, every family is
     * tried in order; otherwise only the chosen one is read.
     */
    ContainerStats.Io io(String dir) {
        files.startPart();
        CgroupMemory memory = files.memory();
        BlkioStat bytes = null;
        String[] family = null;
        if (memory != null && !memory.reprobeBlkio()) {
            family = BLKIO[memory.blkio.family()];
            bytes = files.read(dir, family[0], BlkioStat::parse);
            if (files.vanished() || bytes == null) {
                memory.blkio = null;
                if (files.vanished()) {
                    return null;
                }
            }
        }
        if (bytes == null) {
            int index = -1;
            for (int i = 0; i < BLKIO.length; i++) {
                BlkioStat b = files.read(dir, BLKIO[i][0], BlkioStat::parse);
                if (files.vanished()) {
                    return null;
                }
                if (b != null && (bytes == null || !b.devices().isEmpty())) {
                    bytes = b;
                    family = BLKIO[i];
                    index = i;
                    if (!b.devices().isEmpty()) {
                        break;
                    }
                }
            }
            if (bytes == null) {
                return null;
            }
            if (memory != null) {
                memory.blkio = new CgroupMemory.BlkioChoice(index, files.pass(), !bytes.devices().isEmpty());
            }
        }
        BlkioStat ops = files.read(dir, family[1], BlkioStat::parse);
        if (files.vanished()) {
            return null;
        }
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        List<ContainerStats.Device> devices = new ArrayList<>(bytes.devices().size());
        for (BlkioStat.Entry e : bytes.devices()) {
            BlkioStat.Entry o = ops == null ? null : find(ops, e.device());
            long r = o == null ? 0 : o.read();
            long w = o == null ? 0 : o.write();
            devices.add(new ContainerStats.Device(e.device(), e.read(), e.write(), r, w));
            rb = add(rb, e.read());
            wb = add(wb, e.write());
            ro = add(ro, r);
            wo = add(wo, w);
        }
        if (ops == null) { // operations unknown: keep the bytes, leave out what cannot be told per device
            return new ContainerStats.Io(rb, wb, null, null, null);
        }
        return new ContainerStats.Io(rb, wb, ro, wo, List.copyOf(devices));
    }

    private static BlkioStat.Entry find(BlkioStat s, String device) {
        for (BlkioStat.Entry e : s.devices()) {
            if (e.device().equals(device)) {
                return e;
            }
        }
        return null;
    }
}
