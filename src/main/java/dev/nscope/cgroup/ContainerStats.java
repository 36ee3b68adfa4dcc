package dev.nscope.cgroup;

import java.util.List;

/**
 * A container's resource figures from its cgroup, and the traffic of its network namespace. Every figure is a boxed value: null means the
 * kernel does not offer it on this host (absent file or field), never a made-up 0; {@code limit}
 * fields are null when unlimited ({@code max}).
 */
public record ContainerStats(Cpu cpu, Memory memory, Io io, Pids pids, Pressure pressure, Network network) {

    public static final ContainerStats NONE = new ContainerStats(null, null, null, null, null, null);

    /** CPU seconds and CFS bandwidth; {@code quotaCores} is the quota over the period, null without one. */
    public record Cpu(Double usageSeconds, Double userSeconds, Double systemSeconds, Long periods,
                      Long throttledPeriods, Double throttledSeconds, Double quotaCores) {
    }

    /**
     * Memory in bytes. {@code workingSetBytes} is usage minus inactive file cache (what the kubelet
     * evicts on); {@code oomKills} counts kills by the OOM killer in this cgroup.
     */
    public record Memory(Long usageBytes, Long workingSetBytes, Long rssBytes, Long cacheBytes, Long swapBytes,
                         Long limitBytes, Long peakBytes, Long oomKills) {
    }

    /** Block IO summed over devices, and per device ({@code major:minor}). */
    public record Io(Long readBytes, Long writeBytes, Long readOps, Long writeOps, List<Device> devices) {
    }

    public record Device(String device, long readBytes, long writeBytes, long readOps, long writeOps) {
    }

    /** Tasks in the cgroup; {@code forkFailures} is pids.events {@code max}: forks refused at the limit. */
    public record Pids(Long current, Long limit, Long forkFailures) {
    }

    /** PSI totals in seconds, from the v2 hierarchy (pure v2, or the {@code unified} one of a hybrid host). */
    public record Pressure(Stall cpu, Stall memory, Stall io) {
    }

    /** {@code some} and {@code full} stall totals in seconds; {@code full} is null where the kernel has none. */
    public record Stall(Double someSeconds, Double fullSeconds) {
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
}
