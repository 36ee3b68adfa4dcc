package dev.nscope.settings;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.HostPaths;
import dev.nscope.host.InvalidHostPathException;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.Scanner;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Checks {@link NscopeProperties} and builds the core objects from them; every failure is one clear line. */
public final class AgentSettings {
    private AgentSettings() {
    }

    public static void validate(NscopeProperties p) {
        if (p.getScanInterval() == null || p.getScanInterval().isNegative() || p.getScanInterval().isZero()) {
            throw new InvalidConfigurationException("nscope.scan-interval must be positive (got " + p.getScanInterval() + ")");
        }
        if (p.getScanInterval().compareTo(Duration.ofMillis(100)) < 0) {
            throw new InvalidConfigurationException("nscope.scan-interval must be at least 100ms (got " + p.getScanInterval() + ")");
        }
        if (p.getPid1().getZombieGrace() == null || p.getPid1().getZombieGrace().isNegative()) {
            throw new InvalidConfigurationException("nscope.pid1.zombie-grace must not be negative (got " + p.getPid1().getZombieGrace() + ")");
        }
        historyPoints(p);
        for (String id : p.getRules().getDisabled()) {
            if (!RuleCatalog.ALL.contains(id)) {
                throw new InvalidConfigurationException("nscope.rules.disabled: unknown rule '" + id + "' (known: "
                        + String.join(", ", RuleCatalog.ALL) + ")");
            }
        }
    }

    /** {@code nscope.history.points}: at least two (a rate needs two points), at most 10000. */
    public static int historyPoints(NscopeProperties p) {
        int n = p.getHistory().getPoints();
        if (n < 2 || n > 10_000) {
            throw new InvalidConfigurationException("nscope.history.points must be between 2 and 10000 (got " + n + ")");
        }
        return n;
    }

    public static HostPaths hostPaths(NscopeProperties p) {
        HostPaths paths = new HostPaths(p.getProcfs(), p.getSysfs());
        try {
            paths.validate();
        } catch (InvalidHostPathException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        return paths;
    }

    public static ResourceThresholds thresholds(NscopeProperties p) {
        NscopeProperties.Rules r = p.getRules();
        try {
            return new ResourceThresholds(r.getMemoryNearLimit(), r.getPidsNearLimit(), r.getCpuThrottled());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("nscope.rules thresholds (memory-near-limit, pids-near-limit, cpu-throttled) "
                    + "are shares in (0, 1]: " + e.getMessage());
        }
    }

    public static RuntimeDirs runtimeDirs(NscopeProperties p) {
        NscopeProperties.RuntimeState r = p.getRuntime();
        return new RuntimeDirs(r.getDockerRoot(), r.getContainerdState(), List.copyOf(r.getContainersStorage()), r.getUserRuntimeDir());
    }

    /** A scanner for validated properties. */
    public static Scanner scanner(NscopeProperties p) {
        validate(p);
        HostPaths paths = hostPaths(p);
        return new Scanner(paths, new ScanOptions(runtimeDirs(p), Set.copyOf(p.getRules().getDisabled()), thresholds(p),
                p.getPid1().getZombieGrace(), OshiNodeFacts.of(paths), Clock.systemUTC(), p.getWeb().isCommandLines()));
    }
}
