package dev.nscope.cgroup;

/**
 * When the resource rules fire.
 *
 * @param memoryNearLimit working set over this share of the memory limit
 * @param pidsNearLimit   tasks over this share of pids.max
 * @param cpuThrottled    throttled share of the CFS periods that elapsed between two scans
 */
public record ResourceThresholds(double memoryNearLimit, double pidsNearLimit, double cpuThrottled) {
    public static final ResourceThresholds DEFAULTS = new ResourceThresholds(0.9, 0.9, 0.25);

    public ResourceThresholds {
        for (double v : new double[] {memoryNearLimit, pidsNearLimit, cpuThrottled}) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("thresholds are shares in (0, 1], got " + v);
            }
        }
    }
}
