package dev.nscope.cgroup;

/**
 * When the resource rules fire.
 *
 * @param memoryNearLimit working set over this share of the memory limit
 * @param pidsNearLimit   tasks over this share of pids.max
 * @param cpuThrottled    throttled share of the CFS periods that elapsed between two scans
 * @param fdsNearLimit    a process's open descriptors over this share of its soft RLIMIT_NOFILE
 * @param pressure        a resource's PSI {@code some avg60} over this many percent
 */
public record ResourceThresholds(double memoryNearLimit, double pidsNearLimit, double cpuThrottled, double fdsNearLimit,
                                 double pressure) {
    public static final ResourceThresholds DEFAULTS = new ResourceThresholds(0.9, 0.9, 0.25, 0.9, 25);

    public ResourceThresholds {
        for (double v : new double[] {memoryNearLimit, pidsNearLimit, cpuThrottled, fdsNearLimit}) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("thresholds are shares in (0, 1], got " + v);
            }
        }
        if (!(pressure > 0 && pressure <= 100)) {
            throw new IllegalArgumentException("the pressure threshold is a percentage in (0, 100], got " + pressure);
        }
    }

    public ResourceThresholds(double memoryNearLimit, double pidsNearLimit, double cpuThrottled) {
        this(memoryNearLimit, pidsNearLimit, cpuThrottled, DEFAULTS_FDS, DEFAULTS_PRESSURE);
    }

    private static final double DEFAULTS_FDS = 0.9;
    private static final double DEFAULTS_PRESSURE = 25;
}
