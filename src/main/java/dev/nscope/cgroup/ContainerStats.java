package dev.nscope.cgroup;

import java.util.List;

/**
 * A container's resource figures from its cgroup, the traffic of its network namespace, and its processes'
 * open files. Every figure is a boxed value: null means the kernel does not offer it on this host (absent
 * file or field), never a made-up 0; {@code limit} fields are null when unlimited ({@code max}). The
 * components are the JSON document's fields, in its order (new ones are added at the end of a record).
 */
public record ContainerStats(Cpu cpu, Memory memory, Io io, Pids pids, Pressure pressure, Network network, Files files) {

    public static final ContainerStats NONE = new ContainerStats(null, null, null, null, null, null, null);

    public ContainerStats(Cpu cpu, Memory memory, Io io, Pids pids, Pressure pressure, Network network) {
        this(cpu, memory, io, pids, pressure, network, null);
    }

    /** The same figures with another network part. */
    public ContainerStats withNetwork(Network n) {
        return new ContainerStats(cpu, memory, io, pids, pressure, n, files);
    }

    /** The same figures with the open-files part. */
    public ContainerStats withFiles(Files f) {
        return new ContainerStats(cpu, memory, io, pids, pressure, network, f);
    }

    /**
     * CPU seconds and CFS bandwidth: {@code quotaCores} is the quota over the period (null without a quota),
     * {@code quotaMicros} and {@code periodMicros} the two as the kernel has them (microseconds); {@code weight}
     * is v2's {@code cpu.weight} (1–10000), {@code shares} v1's {@code cpu.shares}.
     */
    public record Cpu(Double usageSeconds, Double userSeconds, Double systemSeconds, Long periods,
                      Long throttledPeriods, Double throttledSeconds, Double quotaCores, Long quotaMicros, Long periodMicros,
                      Long weight, Long shares) {

        public Cpu(Double usageSeconds, Double userSeconds, Double systemSeconds, Long periods, Long throttledPeriods,
                   Double throttledSeconds, Double quotaCores) {
            this(usageSeconds, userSeconds, systemSeconds, periods, throttledPeriods, throttledSeconds, quotaCores, null, null,
                    null, null);
        }

        /** The same counters with the limits of another read (an idle container's refresh). */
        public Cpu withLimits(Cpu limits) {
            return limits == null ? new Cpu(usageSeconds, userSeconds, systemSeconds, periods, throttledPeriods, throttledSeconds, null)
                    : new Cpu(usageSeconds, userSeconds, systemSeconds, periods, throttledPeriods, throttledSeconds,
                    limits.quotaCores, limits.quotaMicros, limits.periodMicros, limits.weight, limits.shares);
        }
    }

    /**
     * Memory in bytes. {@code workingSetBytes} is usage minus inactive file cache (what the kubelet evicts on);
     * {@code oomKills} counts kills by the OOM killer in this cgroup. {@code highBytes} ({@code memory.high}, where
     * the kernel throttles and reclaims), {@code lowBytes} and {@code minBytes} (protections; v1's soft limit is
     * {@code lowBytes}), {@code swapLimitBytes} (swap beyond the memory limit); {@code mappedFileBytes} and
     * {@code kernelBytes} from {@code memory.stat}; {@code events} from {@code memory.events}.
     */
    public record Memory(Long usageBytes, Long workingSetBytes, Long rssBytes, Long cacheBytes, Long swapBytes,
                         Long limitBytes, Long peakBytes, Long oomKills, Long highBytes, Long lowBytes, Long minBytes,
                         Long swapLimitBytes, Long mappedFileBytes, Long kernelBytes, MemoryEvents events) {

        public Memory(Long usageBytes, Long workingSetBytes, Long rssBytes, Long cacheBytes, Long swapBytes, Long limitBytes,
                      Long peakBytes, Long oomKills) {
            this(usageBytes, workingSetBytes, rssBytes, cacheBytes, swapBytes, limitBytes, peakBytes, oomKills, null, null, null,
                    null, null, null, null);
        }
    }

    /**
     * {@code memory.events} (v2): how often the cgroup went under {@code low}, over {@code high} (throttled),
     * hit {@code max}, ran out ({@code oom}), had a process killed ({@code oomKill}) or the group killed
     * ({@code oomGroupKill}, 5.16+). On v1 only {@code max} ({@code memory.failcnt}) and {@code oomKill}.
     */
    public record MemoryEvents(Long low, Long high, Long max, Long oom, Long oomKill, Long oomGroupKill) {
    }

    /** Block IO summed over devices, and per device. */
    public record Io(Long readBytes, Long writeBytes, Long readOps, Long writeOps, List<Device> devices) {
    }

    /** One device: {@code major:minor}, and its name in /dev ({@code /dev/vda}) where the kernel tells it. */
    public record Device(String device, String name, long readBytes, long writeBytes, long readOps, long writeOps) {
        public Device(String device, long readBytes, long writeBytes, long readOps, long writeOps) {
            this(device, null, readBytes, writeBytes, readOps, writeOps);
        }

        public Device withName(String n) {
            return new Device(device, n, readBytes, writeBytes, readOps, writeOps);
        }
    }

    /** Tasks in the cgroup; {@code forkFailures} is pids.events {@code max}: forks refused at the limit. */
    public record Pids(Long current, Long limit, Long forkFailures) {
    }

    /** PSI from the v2 hierarchy (pure v2, or the {@code unified} one of a hybrid host). */
    public record Pressure(Stall cpu, Stall memory, Stall io) {
    }

    /**
     * {@code some} and {@code full} stall totals in seconds, and their averages over 10, 60 and 300 s in percent
     * as the kernel writes them; the {@code full} ones are null where the kernel has none.
     */
    public record Stall(Double someSeconds, Double fullSeconds, Double someAvg10, Double someAvg60, Double someAvg300,
                        Double fullAvg10, Double fullAvg60, Double fullAvg300) {
        public Stall(Double someSeconds, Double fullSeconds) {
            this(someSeconds, fullSeconds, null, null, null, null, null, null);
        }
    }

    /**
     * Traffic of the container's network namespace, from {@code /proc/<pid>/net/dev}. The totals leave
     * out the loopback interface {@code lo} (traffic that never leaves the container); the list has all.
     */
    public record Network(Long rxBytes, Long txBytes, Long rxPackets, Long txPackets, Long rxErrors, Long txErrors,
                          Long rxDropped, Long txDropped, List<Interface> interfaces) {
    }

    public record Interface(String name, long rxBytes, long txBytes, long rxPackets, long txPackets,
                            long rxErrors, long txErrors, long rxDropped, long txDropped) {
    }

    /**
     * Open file descriptors of the container's processes: {@code open} in all; {@code limit}, the soft
     * {@code RLIMIT_NOFILE} of the process closest to its own limit, and {@code highestShare}, its descriptors
     * over that limit. Null where they could not be read.
     */
    public record Files(Long open, Long limit, Double highestShare) {
    }
}
