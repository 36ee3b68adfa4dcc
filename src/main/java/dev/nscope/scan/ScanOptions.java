package dev.nscope.scan;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.pid1.ExitTimes;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * How the scanner judges what it reads.
 *
 * @param disabledRules rule ids not evaluated
 * @param zombieGrace   how long a zombie of PID 1 must persist to count as unreaped
 * @param nodeFacts     what the node is (memory, CPUs, boot time, OS), found once by the caller
 * @param commandLines  read each container process's {@code cmdline} (once per identity) into the snapshot;
 *                      off by default: command lines carry secrets, and off means not one is read
 * @param exitTimes     when processes exited (the agent's process events), to age PID 1's zombies from their deaths
 */
public record ScanOptions(RuntimeDirs runtimeDirs, Set<String> disabledRules, ResourceThresholds thresholds,
                          Duration zombieGrace, NodeFacts nodeFacts, Clock clock, boolean commandLines, ExitTimes exitTimes) {

    public ScanOptions(RuntimeDirs runtimeDirs, Set<String> disabledRules, ResourceThresholds thresholds,
                       Duration zombieGrace, NodeFacts nodeFacts, Clock clock, boolean commandLines) {
        this(runtimeDirs, disabledRules, thresholds, zombieGrace, nodeFacts, clock, commandLines, ExitTimes.NONE);
    }

    public static ScanOptions defaults() {
        return new ScanOptions(RuntimeDirs.defaults(), Set.of(), ResourceThresholds.DEFAULTS, Duration.ofSeconds(5),
                NodeFacts.UNKNOWN, Clock.systemUTC(), false);
    }

    public ScanOptions withRuntimeDirs(RuntimeDirs dirs) {
        return new ScanOptions(dirs, disabledRules, thresholds, zombieGrace, nodeFacts, clock, commandLines, exitTimes);
    }

    public ScanOptions withZombieGrace(Duration grace) {
        return new ScanOptions(runtimeDirs, disabledRules, thresholds, grace, nodeFacts, clock, commandLines, exitTimes);
    }

    public ScanOptions withCommandLines(boolean read) {
        return new ScanOptions(runtimeDirs, disabledRules, thresholds, zombieGrace, nodeFacts, clock, read, exitTimes);
    }

    public ScanOptions withExitTimes(ExitTimes exits) {
        return new ScanOptions(runtimeDirs, disabledRules, thresholds, zombieGrace, nodeFacts, clock, commandLines, exits);
    }
}
