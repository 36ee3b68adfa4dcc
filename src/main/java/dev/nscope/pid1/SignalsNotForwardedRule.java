package dev.nscope.pid1;

import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.RuleSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pid1-signals-not-forwarded} (warning): PID 1 has live children it will not pass the stop
 * signal on to, so they are SIGKILLed when PID 1 exits, without a chance to shut down. Known for two
 * kinds of PID 1: a shell waiting on its children (a shell that traps TERM saves only itself), and a
 * PID 1 whose stop signal is dropped (confirmed). Known forwarding inits (tini, docker-init,
 * dumb-init, catatonit, s6-svscan, supervisord, systemd, pause) are never flagged; any other PID 1 is
 * not flagged either: whether it forwards cannot be seen, and is not guessed.
 */
public final class SignalsNotForwardedRule implements FindingRule<Pid1Look> {
    @Override
    public RuleSpec spec() {
        return RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
    }

    /** The per-look condition, before confirmation over looks. */
    public static boolean condition(InitKind kind, SigtermVerdict.Delivery delivery, List<Pid1Facts.Child> liveChildren) {
        if (liveChildren.isEmpty() || kind.forwardsSignals()) {
            return false;
        }
        return kind.neverForwards() || delivery == SigtermVerdict.Delivery.DROPPED;
    }

    @Override
    public Optional<Finding> check(Pid1Look look) {
        List<Pid1Facts.Child> kids = look.liveChildren();
        if (!look.notForwarding() || !condition(look.kind(), look.confirmedDelivery(), kids)) {
            return Optional.empty();
        }
        Pid1Facts f = look.facts();
        String sig = Signals.name(f.stopSignal());
        boolean shell = look.kind().neverForwards();
        String why = shell
                ? (look.confirmedDelivery() == SigtermVerdict.Delivery.DELIVERED
                ? "a shell that traps " + sig + " saves only itself: the trap does not pass it on (unless it kills them itself)"
                : "a shell waiting on its children does not pass " + sig + " on, and as PID 1 it drops it itself")
                : "it drops " + sig + " itself, so its children are never told";
        Map<String, Object> e = new LinkedHashMap<>();
        Pid1Evidence.identity(e, look);
        e.put("stopSignal", sig);
        e.put("catchesSigterm", look.confirmedDelivery().asBoolean());
        e.put("reason", why);
        e.put("childCount", kids.size());
        e.put("children", Pid1Evidence.children(kids));
        e.put("looks", look.notForwardingStreak());
        String fix = shell
                ? "exec the main process from the entrypoint (exec \"$@\"), or run with an init that forwards signals: docker run --init, tini, dumb-init"
                : "run with an init that forwards signals: docker run --init, tini or dumb-init as ENTRYPOINT";
        String message = "PID 1 (" + f.comm() + ", " + look.kind().label() + ") will not pass " + sig + " on to its "
                + kids.size() + " child" + (kids.size() == 1 ? "" : "ren") + ": " + why + "; they are SIGKILLed when it exits.";
        return Optional.of(spec().finding(message, fix, e));
    }
}
