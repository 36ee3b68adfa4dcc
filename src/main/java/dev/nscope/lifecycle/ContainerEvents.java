package dev.nscope.lifecycle;

import dev.nscope.events.ContainerEvent;
import dev.nscope.scan.ContainerSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The container events the lifecycle writes, made from a container as a snapshot showed it and its PID 1's exit. */
final class ContainerEvents {
    private ContainerEvents() {
    }

    static ContainerEvent started(ContainerSnapshot c, Instant at) {
        return new ContainerEvent(0, at, ContainerEvent.STARTED, c.id(), c.name(), c.runtime().label(), c.kubernetes(), pid1Of(c),
                null, null, null, List.of(), null);
    }

    /** A container gone: at its PID 1's exit when the event came ({@code x}), else at {@code now}, outcome unknown. */
    static ContainerEvent stopped(ContainerSnapshot c, Pid1Exit x, Instant now) {
        Instant at = x == null ? now : x.time();
        return ended(ContainerEvent.STOPPED, c, x, at, lifetime(c.startedAt(), at), x != null ? null : pid1Of(c));
    }

    /** Another PID 1 under the id of {@code was}: the old one's exit, when it came, and how long it lived. */
    static ContainerEvent restarted(ContainerSnapshot c, ContainerSnapshot was, Pid1Exit x, Instant now) {
        Instant at = c.startedAt() != null ? c.startedAt() : now;
        return ended(ContainerEvent.PID1_RESTARTED, c, x, at, lifetime(was.startedAt(), x != null ? x.time() : at),
                x != null ? null : pid1Of(was));
    }

    private static ContainerEvent ended(String type, ContainerSnapshot c, Pid1Exit x, Instant at, Double lifetime,
                                        ContainerEvent.Pid1 pid1WithoutExit) {
        ContainerEvent.Pid1 pid1 = x != null ? new ContainerEvent.Pid1(x.pid(), x.comm()) : pid1WithoutExit;
        StopOutcome o = x == null ? null : x.outcome();
        return new ContainerEvent(0, at, type, c.id(), c.name(), c.runtime().label(), c.kubernetes(), pid1,
                o == null ? null : o.exitCode(), o == null ? null : o.exitSignal(), o == null ? null : o.outcome(),
                o == null ? List.of() : o.confirms(), lifetime);
    }

    private static ContainerEvent.Pid1 pid1Of(ContainerSnapshot c) {
        return c.pid1() == null ? null : new ContainerEvent.Pid1(c.pid1().hostPid(), c.pid1().comm());
    }

    private static Double lifetime(Instant started, Instant ended) {
        if (started == null || ended == null || ended.isBefore(started)) {
            return null;
        }
        return Duration.between(started, ended).toMillis() / 1000.0;
    }
}
