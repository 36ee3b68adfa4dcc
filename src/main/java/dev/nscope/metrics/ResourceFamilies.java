package dev.nscope.metrics;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.scan.ContainerSnapshot;

import java.util.List;
import java.util.function.Function;

import static dev.nscope.metrics.ContainerMetrics.counter;
import static dev.nscope.metrics.ContainerMetrics.cpu;
import static dev.nscope.metrics.ContainerMetrics.gauge;
import static dev.nscope.metrics.ContainerMetrics.mem;
import static dev.nscope.metrics.ContainerMetrics.pids;
import static dev.nscope.metrics.ContainerMetrics.stall;

/** The families of a container's CPU, memory, pids, pressure and open files, in cAdvisor's names and units. */
final class ResourceFamilies {
    private ResourceFamilies() {
    }

    /** memory.events' names, the {@code event} label's values, in the order the kernel writes them. */
    static final List<String> MEMORY_EVENTS = List.of("low", "high", "max", "oom", "oom_kill", "oom_group_kill");

    static void add(List<ContainerMetrics.Spec> s) {
        s.add(counter("nscope_container_cpu_usage_seconds", "CPU time used by the container's cgroup", c -> cpu(c, ContainerStats.Cpu::usageSeconds)));
        s.add(counter("nscope_container_cpu_user_seconds", "User CPU time", c -> cpu(c, ContainerStats.Cpu::userSeconds)));
        s.add(counter("nscope_container_cpu_system_seconds", "System CPU time", c -> cpu(c, ContainerStats.Cpu::systemSeconds)));
        s.add(counter("nscope_container_cpu_cfs_periods", "CFS enforcement periods that elapsed", c -> cpu(c, ContainerStats.Cpu::periods)));
        s.add(counter("nscope_container_cpu_cfs_throttled_periods", "CFS periods in which the container was throttled",
                c -> cpu(c, ContainerStats.Cpu::throttledPeriods)));
        s.add(counter("nscope_container_cpu_cfs_throttled_seconds", "Time the container was throttled",
                c -> cpu(c, ContainerStats.Cpu::throttledSeconds)));
        s.add(gauge("nscope_container_spec_cpu_quota_cores", "CPU quota in cores (quota over period); absent without a quota",
                c -> cpu(c, ContainerStats.Cpu::quotaCores)));
        s.add(gauge("nscope_container_spec_cpu_quota", "CFS quota in microseconds a period; absent without a quota",
                c -> cpu(c, ContainerStats.Cpu::quotaMicros)));
        s.add(gauge("nscope_container_spec_cpu_period", "CFS period in microseconds", c -> cpu(c, ContainerStats.Cpu::periodMicros)));
        s.add(gauge("nscope_container_spec_cpu_shares", "CPU shares (v1 cpu.shares; v2 cpu.weight in shares, as cAdvisor converts it)",
                c -> cpu(c, ResourceFamilies::shares)));
        s.add(gauge("nscope_container_memory_usage_bytes", "Memory charged to the cgroup, page cache included",
                c -> mem(c, ContainerStats.Memory::usageBytes)));
        s.add(gauge("nscope_container_memory_working_set_bytes", "Usage minus inactive file cache: what the kubelet evicts on",
                c -> mem(c, ContainerStats.Memory::workingSetBytes)));
        s.add(gauge("nscope_container_memory_rss_bytes", "Anonymous memory", c -> mem(c, ContainerStats.Memory::rssBytes)));
        s.add(gauge("nscope_container_memory_cache_bytes", "File cache", c -> mem(c, ContainerStats.Memory::cacheBytes)));
        s.add(gauge("nscope_container_memory_swap_bytes", "Swap used", c -> mem(c, ContainerStats.Memory::swapBytes)));
        s.add(gauge("nscope_container_memory_mapped_file", "Memory-mapped file pages, in bytes",
                c -> mem(c, ContainerStats.Memory::mappedFileBytes)));
        s.add(gauge("nscope_container_memory_kernel_usage", "Kernel memory charged to the cgroup, in bytes",
                c -> mem(c, ContainerStats.Memory::kernelBytes)));
        s.add(gauge("nscope_container_memory_max_usage_bytes", "Peak memory usage, where the kernel keeps it",
                c -> mem(c, ContainerStats.Memory::peakBytes)));
        s.add(gauge("nscope_container_spec_memory_limit_bytes", "Memory limit; absent when unlimited",
                c -> mem(c, ContainerStats.Memory::limitBytes)));
        s.add(gauge("nscope_container_spec_memory_high_bytes", "memory.high, where the kernel throttles and reclaims; absent when unlimited",
                c -> mem(c, ContainerStats.Memory::highBytes)));
        s.add(gauge("nscope_container_spec_memory_reservation_limit_bytes",
                "Memory protection (v2 memory.low, v1 soft limit); absent when unlimited", c -> mem(c, ContainerStats.Memory::lowBytes)));
        s.add(gauge("nscope_container_spec_memory_swap_limit_bytes", "Swap allowed beyond the memory limit; absent when unlimited",
                c -> mem(c, ContainerStats.Memory::swapLimitBytes)));
        s.add(counter("nscope_container_oom_events", "Processes of the container killed by the OOM killer",
                c -> mem(c, ContainerStats.Memory::oomKills)));
        // v1 only: there memory.failcnt is the events' max, and v1 has no low event
        s.add(gauge("nscope_container_memory_failcnt", "Times usage hit the memory limit (v1 memory.failcnt)",
                c -> mem(c, m -> m.events() == null || m.events().low() != null ? null : m.events().max())));
        MetricFamily events = MetricFamily.counter("nscope_container_memory_events",
                "memory.events: times the cgroup went under low, over high, hit max, ran out (oom), had a process or the group killed");
        s.add(new ContainerMetrics.Spec(events, (l, c, cache) -> {
            ContainerStats.MemoryEvents e = mem(c, ContainerStats.Memory::events);
            if (e == null) {
                return;
            }
            Long[] v = {e.low(), e.high(), e.max(), e.oom(), e.oomKill(), e.oomGroupKill()};
            for (int i = 0; i < v.length; i++) {
                if (v[i] != null) {
                    String ev = MEMORY_EVENTS.get(i);
                    events.add(cache.derived(c, "event\0" + ev, () -> l.add("event", ev)), v[i]);
                }
            }
        }));
        s.add(gauge("nscope_container_pids", "Tasks in the cgroup (pids.current)", c -> pids(c, ContainerStats.Pids::current)));
        s.add(gauge("nscope_container_threads_max", "The cgroup's task limit (pids.max); absent when unlimited",
                c -> pids(c, ContainerStats.Pids::limit)));
        s.add(counter("nscope_container_pids_fork_failures", "Forks refused at pids.max (pids.events max)",
                c -> pids(c, ContainerStats.Pids::forkFailures)));
        for (String res : List.of("cpu", "memory", "io")) {
            Function<ContainerStats.Pressure, ContainerStats.Stall> pick = switch (res) {
                case "cpu" -> ContainerStats.Pressure::cpu;
                case "memory" -> ContainerStats.Pressure::memory;
                default -> ContainerStats.Pressure::io;
            };
            s.add(counter("nscope_container_pressure_" + res + "_waiting_seconds",
                    "PSI 'some': time at least one task was stalled on " + res, c -> {
                        ContainerStats.Stall st = stall(c, pick);
                        return st == null ? null : st.someSeconds();
                    }));
            s.add(counter("nscope_container_pressure_" + res + "_stalled_seconds",
                    "PSI 'full': time all non-idle tasks were stalled on " + res, c -> {
                        ContainerStats.Stall st = stall(c, pick);
                        return st == null ? null : st.fullSeconds();
                    }));
        }
        s.add(gauge("nscope_container_file_descriptors", "Open file descriptors of the container's processes",
                c -> files(c, ContainerStats.Files::open)));
        MetricFamily ulimits = MetricFamily.gauge("nscope_container_ulimits_soft",
                "Soft ulimit of the container's process closest to it (max_open_files: RLIMIT_NOFILE)");
        s.add(new ContainerMetrics.Spec(ulimits, (l, c, cache) -> {
            Long limit = files(c, ContainerStats.Files::limit);
            if (limit != null) {
                ulimits.add(cache.derived(c, "ulimit\0max_open_files", () -> l.add("ulimit", "max_open_files")), limit);
            }
        }));
    }

    private static <T> T files(ContainerSnapshot c, Function<ContainerStats.Files, T> f) {
        return c.stats() == null || c.stats().files() == null ? null : f.apply(c.stats().files());
    }

    /** v1's shares; v2's weight (1–10000) in shares (2–262144) as cAdvisor converts it. */
    static Long shares(ContainerStats.Cpu c) {
        if (c.shares() != null) {
            return c.shares();
        }
        return c.weight() == null ? null : 2 + ((c.weight() - 1) * 262142) / 9999;
    }
}
