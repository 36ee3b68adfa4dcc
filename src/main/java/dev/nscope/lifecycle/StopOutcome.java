package dev.nscope.lifecycle;

import dev.nscope.events.ContainerEvent;
import dev.nscope.pid1.Signals;
import dev.nscope.rules.RuleCatalog;

import java.util.List;
import java.util.Set;

/**
 * How a PID 1 ended, from its exit event, and what that bears out: a pure function of the wait status, whether the
 * container's OOM-kill count rose at that moment, and the findings nscope held on the container before.
 *
 * @param outcome    {@link ContainerEvent#EXITED}, {@link ContainerEvent#KILLED}, {@link ContainerEvent#OOM_KILLED} or
 *                   {@link ContainerEvent#SIGNALED}
 * @param exitCode   the code of an exit by itself; null for a signal
 * @param exitSignal the signal's name ("SIGKILL"); null for an exit by itself
 * @param confirms   the rule ids of the findings the outcome bears out
 */
record StopOutcome(String outcome, Integer exitCode, String exitSignal, List<String> confirms) {
    static final int SIGKILL = 9;

    /**
     * @param exitStatus the raw wait status of the exit event (code &lt;&lt; 8, or the signal)
     * @param oomRose    whether the container's OOM-kill count rose with this SIGKILL
     * @param heldRules  the rule ids of the findings the container had at the last scan
     */
    static StopOutcome of(int exitStatus, boolean oomRose, Set<String> heldRules) {
        int signal = exitStatus & 0x7f;
        if (signal == 0) {
            return new StopOutcome(ContainerEvent.EXITED, (exitStatus >> 8) & 0xff, null, List.of());
        }
        String name = signal <= 64 ? Signals.name(signal) : "SIG" + signal;
        if (signal != SIGKILL) {
            return new StopOutcome(ContainerEvent.SIGNALED, null, name, List.of());
        }
        if (oomRose) {
            return new StopOutcome(ContainerEvent.OOM_KILLED, null, name,
                    heldRules.contains(RuleCatalog.MEMORY_NEAR_LIMIT.id()) ? List.of(RuleCatalog.MEMORY_NEAR_LIMIT.id()) : List.of());
        }
        // a SIGKILL after a SIGTERM PID 1 drops is the runtime's stop timeout: the prediction, borne out
        return new StopOutcome(ContainerEvent.KILLED, null, name,
                heldRules.contains(RuleCatalog.PID1_SIGTERM_DROPPED.id()) ? List.of(RuleCatalog.PID1_SIGTERM_DROPPED.id()) : List.of());
    }
}
