package dev.nscope.scan;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * How the scanner judges what it reads.
 *
 * @param disabledRules rule ids not evaluated
 * @param zombieGrace   how long a zombie of PID 1 must persist to count as unreaped
 */
public record ScanOptions(RuntimeDirs runtimeDirs, Set<String> disabledRules, ResourceThresholds thresholds,
                          Duration zombieGrace, Clock clock) {

    public static ScanOptions defaults() {
        return new ScanOptions(RuntimeDirs.defaults(), Set.of(), ResourceThresholds.DEFAULTS, Duration.ofSeconds(5), Clock.systemUTC());
    }

    public ScanOptions withRuntimeDirs(RuntimeDirs dirs) {
        return new ScanOptions(dirs, disabledRules, thresholds, zombieGrace, clock);
    }
}
