package dev.nscope.pid1;

import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.RuleSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pid1-sigterm-dropped} (critical): the container's stop signal will be discarded by the kernel,
 * so a stop waits out the grace period (10 s for Docker, 30 s for Kubernetes) and ends in SIGKILL.
 * Raised only on a verdict confirmed over several looks ({@link Pid1Look#confirmed()}), never on one.
 */
public final class SigtermDroppedRule implements FindingRule<Pid1Look> {
    @Override
    public RuleSpec spec() {
        return RuleCatalog.PID1_SIGTERM_DROPPED;
    }

    @Override
    public Optional<Finding> check(Pid1Look look) {
        if (look.confirmedDelivery() != SigtermVerdict.Delivery.DROPPED) {
            return Optional.empty();
        }
        Pid1Facts f = look.facts();
        String sig = Signals.name(f.stopSignal());
        Map<String, Object> e = new LinkedHashMap<>();
        Pid1Evidence.identity(e, look);
        Pid1Evidence.signals(e, look);
        e.put("reason", look.confirmed().reason());
        e.put("verdict", look.confirmed().how());
        e.put("looks", look.sigtermStreak());
        if (look.verdict().delivery() != SigtermVerdict.Delivery.DROPPED) {
            e.put("latestLook", look.verdict().how());
        }
        String message = "PID 1 (" + f.comm() + ", " + look.kind().label() + ") will not receive " + sig + ": "
                + look.confirmed().reason() + "; a stop waits for the grace period and ends in SIGKILL.";
        return Optional.of(spec().finding(message, fix(look.kind(), f.stopSignal()), e));
    }

    static String fix(InitKind kind, int stopSignal) {
        String sig = Signals.name(stopSignal);
        return switch (kind) {
            case SHELL -> "exec the main process from the entrypoint (exec \"$@\"), or run with an init: docker run --init, tini or dumb-init as ENTRYPOINT";
            case NODE -> "run with an init (docker run --init, tini, dumb-init) or handle it in the app: process.on('" + sig + "', …)";
            case PYTHON -> "run with an init (docker run --init, tini, dumb-init) or handle it in the app: signal.signal(signal." + sig + ", …)";
            case JAVA -> "do not run java -Xrs as PID 1, or run with an init: docker run --init, tini";
            case RUNIT -> "runit stops on SIGCONT with an executable /etc/runit/stopit, not on SIGTERM: set the stop signal (docker run --stop-signal SIGCONT, STOPSIGNAL) or run it under tini";
            default -> stopSignal == Signals.SIGTERM
                    ? "run with an init that forwards signals: docker run --init, tini or dumb-init as ENTRYPOINT (Kubernetes: shareProcessNamespace: true makes pause PID 1)"
                    : "the stop signal " + sig + " has no handler: set one the application handles (docker run --stop-signal, STOPSIGNAL), or run with an init: docker run --init, tini";
        };
    }
}
