package dev.nscope.pid1;

import dev.nscope.rules.Evidence;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.RuleSpec;
import dev.nscope.rules.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pid1-zombies-not-reaped}: zombies whose parent is PID 1, identified by (pid, start time),
 * still there at least the grace after they were first seen. Orphans are re-parented to PID 1, which
 * must reap them; a healthy init does in milliseconds (runsvdir polls, up to about 5 s).
 *
 * <p>Severity: warning; <b>critical</b> when PID 1's unreaped zombies hold at least half of the
 * cgroup's {@code pids.max} ({@link #CRITICAL_SHARE_OF_PIDS_MAX}): zombies keep counting in
 * {@code pids.current} until reaped, and at the limit no process of the container can fork.
 * Zombies of other parents are the application's leak: counted in the evidence, not this finding.
 */
public final class ZombiesNotReapedRule implements FindingRule<Pid1Look> {
    public static final double CRITICAL_SHARE_OF_PIDS_MAX = 0.5;
    private static final String FIX = "run with an init that reaps orphans: docker run --init, tini or dumb-init as ENTRYPOINT"
            + " (Kubernetes: shareProcessNamespace: true makes the pause container PID 1, and it reaps)";

    /** Its spec's severity is the base one; a finding is critical past {@link #CRITICAL_SHARE_OF_PIDS_MAX}. */
    @Override
    public RuleSpec spec() {
        return RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
    }

    @Override
    public Optional<Finding> check(Pid1Look look) {
        // oldest first, then by pid: the list in the evidence is capped
        List<ZombieTracker.Tracked> unreaped = look.unreapedZombies().stream()
                .sorted(Comparator.comparingLong(ZombieTracker.Tracked::ageNanos).reversed()
                        .thenComparingInt(ZombieTracker.Tracked::pid))
                .toList();
        if (unreaped.isEmpty()) {
            return Optional.empty();
        }
        Pid1Facts f = look.facts();
        int n = unreaped.size();
        long oldest = unreaped.stream().mapToLong(ZombieTracker.Tracked::ageNanos).max().orElse(0);
        Double share = f.pidsMax() == null || f.pidsMax() <= 0 ? null : (double) n / f.pidsMax();
        Severity sev = share != null && share >= CRITICAL_SHARE_OF_PIDS_MAX ? Severity.CRITICAL : Severity.WARNING;

        Map<String, Object> e = new LinkedHashMap<>();
        Pid1Evidence.identity(e, look);
        e.put("zombies", n);
        List<Integer> pids = new ArrayList<>();
        List<Map<String, Object>> ages = new ArrayList<>();
        for (ZombieTracker.Tracked z : unreaped.subList(0, Math.min(Pid1Evidence.MAX_LISTED, n))) {
            pids.add(z.pid());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("pid", z.pid());
            a.put("ageSeconds", seconds(z.ageNanos()));
            ages.add(Evidence.copyOf(a));
        }
        e.put("zombiePids", pids);
        e.put("zombieAges", ages);
        e.put("oldestAgeSeconds", seconds(oldest));
        e.put("graceSeconds", seconds(look.zombieGrace().toNanos()));
        e.put("youngerZombies", look.pid1Zombies().size() - n);
        e.put("otherZombies", f.otherZombies());
        e.put("pidsCurrent", f.pidsCurrent());
        e.put("pidsMax", f.pidsMax());
        e.put("shareOfPidsMax", share == null ? null : Math.round(share * 10000) / 10000.0);
        e.put("sigChldIgnored", f.status() == null ? null : Signals.has(f.status().sigIgn(), Signals.SIGCHLD));
        String message = "PID 1 (" + f.comm() + ", " + look.kind().label() + ") does not reap: " + n + " zombie"
                + (n == 1 ? "" : "s") + " of its own for " + seconds(oldest) + " s or more"
                + (share == null ? "" : ", " + Math.round(share * 100) + "% of pids.max " + f.pidsMax()) + ".";
        return Optional.of(spec().finding(sev, message, FIX, e));
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
