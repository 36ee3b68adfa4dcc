package dev.nscope.events;

import dev.nscope.scan.KubernetesRef;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the events ring ({@code /actuator/containers/events}): a container started, stopped, had its PID 1
 * replaced, or had a process killed by the OOM killer.
 *
 * @param seq             the ring's number for it, from 1, assigned by {@link EventRing#add}
 * @param time            when it happened (as well as nscope can tell)
 * @param type            {@link #STARTED}, {@link #STOPPED}, {@link #PID1_RESTARTED} or {@link #OOM_KILL}
 * @param id              the container's id
 * @param name            its name, when known
 * @param runtime         its runtime's label
 * @param kubernetes      its pod, when known
 * @param pid1            its PID 1 (the one that ended, for a stop), when known
 * @param exitCode        how PID 1 exited (a stop), when known
 * @param exitSignal      the signal that ended PID 1, like "SIGKILL"; null when none or unknown
 * @param outcome         a stop's outcome: {@link #EXITED}, {@link #KILLED}, {@link #OOM_KILLED}, {@link #SIGNALED}; null otherwise
 * @param confirms        ids of the finding rules this event bears out (a SIGKILL after a dropped SIGTERM)
 * @param lifetimeSeconds how long the container (or the PID 1 that ended) lived, when known
 */
public record ContainerEvent(long seq, Instant time, String type, String id, String name, String runtime, KubernetesRef kubernetes,
                             Pid1 pid1, Integer exitCode, String exitSignal, String outcome, List<String> confirms,
                             Double lifetimeSeconds) {
    public static final String STARTED = "started";
    public static final String STOPPED = "stopped";
    public static final String PID1_RESTARTED = "pid1-restarted";
    public static final String OOM_KILL = "oom-kill";
    public static final String EXITED = "exited";
    public static final String KILLED = "killed";
    public static final String OOM_KILLED = "oom-killed";
    public static final String SIGNALED = "signaled";
    /** Every outcome of a stop, in the order the metrics list them. */
    public static final List<String> OUTCOMES = List.of(EXITED, KILLED, OOM_KILLED, SIGNALED);

    /** A container's PID 1 as an event names it. */
    public record Pid1(int hostPid, String comm) {
    }

    public ContainerEvent {
        confirms = confirms == null ? List.of() : List.copyOf(confirms);
    }

    /** This event with the ring's number. */
    public ContainerEvent withSeq(long seq) {
        return new ContainerEvent(seq, time, type, id, name, runtime, kubernetes, pid1, exitCode, exitSignal, outcome, confirms,
                lifetimeSeconds);
    }
}
