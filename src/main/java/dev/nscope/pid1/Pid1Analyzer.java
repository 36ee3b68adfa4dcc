package dev.nscope.pid1;

import dev.nscope.proc.ProcessIdentity;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The PID 1 analysis of every container, one look at a time: init kind, whether the stop signal
 * reaches PID 1, and the three PID 1 findings.
 *
 * <p>Design note. One look cannot be trusted: an init between two waits shows a transient state,
 * and zombies have no time of death. So the analyzer keeps a small state per container, keyed by
 * the identity (pid, start time) of its PID 1 and started afresh when that changes: a
 * {@link LookConfirmer} for the stop-signal verdict and one for the not-forwarded condition (a value
 * counts after {@code confirmLooks} looks in a row, and a single different look neither raises nor
 * clears a finding), and a {@link ZombieTracker} for the first-seen times of PID 1's zombies. The
 * caller calls {@link #analyze} once per container per scan, then {@link #retain} with the
 * containers still there. Containers without a pid namespace of their own have no PID 1: the caller
 * does not call {@code analyze} for them. Not thread-safe: one scanning thread.
 */
public final class Pid1Analyzer<K> {
    public static final Duration DEFAULT_ZOMBIE_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_CONFIRM_LOOKS = 2;

    private final Arch arch;
    private final ExitTimes exits;
    private final Duration zombieGrace;
    private final int confirmLooks;
    private final List<FindingRule<Pid1Look>> rules;
    private final Map<K, State> states = new HashMap<>();

    /**
     * @param arch          the host's architecture (for {@code syscall} numbers); null: only {@code wchan} tells a sigtimedwait
     * @param zombieGrace   how long a zombie must persist to count as unreaped ({@code nscope.pid1.zombie-grace})
     * @param confirmLooks  looks in a row before a verdict counts, at least 2
     * @param disabledRules rule ids switched off
     */
    public Pid1Analyzer(Arch arch, Duration zombieGrace, int confirmLooks, Set<String> disabledRules) {
        this(arch, zombieGrace, confirmLooks, disabledRules, ExitTimes.NONE);
    }

    /** @param exits when processes exited (the kernel's process events), to age zombies from their deaths */
    public Pid1Analyzer(Arch arch, Duration zombieGrace, int confirmLooks, Set<String> disabledRules, ExitTimes exits) {
        if (zombieGrace == null || zombieGrace.isNegative()) {
            throw new IllegalArgumentException("zombie grace " + zombieGrace);
        }
        this.arch = arch;
        this.exits = exits;
        this.zombieGrace = zombieGrace;
        this.confirmLooks = confirmLooks;
        new LookConfirmer<>(confirmLooks); // validates
        List<FindingRule<Pid1Look>> all = List.of(new SigtermDroppedRule(), new ZombiesNotReapedRule(), new SignalsNotForwardedRule());
        this.rules = all.stream().filter(r -> !disabledRules.contains(r.id())).toList();
    }

    /** The host's architecture, the given grace, {@value #DEFAULT_CONFIRM_LOOKS} looks. */
    public Pid1Analyzer(Duration zombieGrace, Set<String> disabledRules) {
        this(Arch.current(), zombieGrace, DEFAULT_CONFIRM_LOOKS, disabledRules);
    }

    public Pid1Analyzer(Duration zombieGrace, Set<String> disabledRules, ExitTimes exits) {
        this(Arch.current(), zombieGrace, DEFAULT_CONFIRM_LOOKS, disabledRules, exits);
    }

    /** The ids of the rules this analyzer runs. */
    public List<String> ruleIds() {
        return rules.stream().map(FindingRule::id).toList();
    }

    /** One look at a container's PID 1, read afresh: {@link #analyze(Object, Pid1Facts, boolean, long)}. */
    public Pid1Result analyze(K containerKey, Pid1Facts facts, long nowNanos) {
        return analyze(containerKey, facts, false, nowNanos);
    }

    /**
     * One look at a container's PID 1.
     *
     * @param containerKey a stable key of the container
     * @param facts        what this look read
     * @param sameAsLast   true when {@code facts} are the last look's, carried over (the container has not run
     *                     since): what was made of them stands, and only the count of looks moves
     * @param nowNanos     a {@link System#nanoTime()} value of this look
     */
    public Pid1Result analyze(K containerKey, Pid1Facts facts, boolean sameAsLast, long nowNanos) {
        Objects.requireNonNull(facts, "facts");
        State s = states.get(containerKey);
        if (s == null || !s.identity.equals(facts.identity())) {
            s = new State(facts.identity(), confirmLooks);
            states.put(containerKey, s);
        }
        boolean again = sameAsLast && s.lastResult != null && s.lastResult.pid1Zombies() == 0;
        InitIdentifier.Identification init = again ? s.lastInit
                : InitIdentifier.identify(facts.comm(), facts.exe(), facts.argv(), facts.wchan());
        SigtermVerdict verdict = again ? s.lastVerdict : SigtermVerdict.judge(facts, init.kind(), arch);
        SigtermVerdict confirmedBefore = s.confirmedVerdict;
        boolean notForwardingBefore = s.lastNotForwarding;
        if (verdict.delivery() != SigtermVerdict.Delivery.UNKNOWN) {
            // a look that could not read status says nothing: it neither confirms nor breaks a streak
            SigtermVerdict.Delivery confirmed = s.sigterm.observe(verdict.delivery());
            if (confirmed == verdict.delivery()) {
                s.confirmedVerdict = verdict;
            }
        }
        SigtermVerdict.Delivery confirmedDelivery = s.confirmedVerdict == null ? SigtermVerdict.Delivery.UNKNOWN : s.confirmedVerdict.delivery();

        List<Pid1Facts.Child> live = new ArrayList<>();
        List<ProcessIdentity> zombies = new ArrayList<>();
        for (Pid1Facts.Child c : facts.children()) {
            if (c.isZombie()) {
                zombies.add(new ProcessIdentity(c.pid(), c.startTime()));
            } else {
                live.add(c);
            }
        }
        List<ZombieTracker.Tracked> tracked = s.zombies.observe(zombies, nowNanos, exits);
        // judged on this look's verdict, then confirmed like it: both confirm on the same looks
        SigtermVerdict.Delivery thisLook = verdict.delivery() == SigtermVerdict.Delivery.UNKNOWN ? confirmedDelivery : verdict.delivery();
        boolean notForwarding = Boolean.TRUE.equals(
                s.forwarding.observe(SignalsNotForwardedRule.condition(init.kind(), thisLook, live)));

        Pid1Look look = new Pid1Look(facts, init, verdict, s.confirmedVerdict, s.sigterm.streak(), notForwarding,
                s.forwarding.streak(), tracked, zombieGrace, arch);
        List<Finding> findings;
        if (again && tracked.isEmpty() && s.confirmedVerdict == confirmedBefore && notForwarding == notForwardingBefore) {
            // nothing the rules judge has changed but the number of looks in a row
            findings = new ArrayList<>(s.lastResult.findings().size());
            for (Finding f : s.lastResult.findings()) {
                findings.add(withLooks(f, look));
            }
        } else {
            findings = new ArrayList<>(rules.size());
            for (FindingRule<Pid1Look> r : rules) {
                r.check(look).ifPresent(findings::add);
            }
        }
        Pid1Result result = new Pid1Result(init.kind(), confirmedDelivery.asBoolean(), findings, live.size(), tracked.size(),
                look.unreapedZombies().size(), look);
        s.lastInit = init;
        s.lastVerdict = verdict;
        s.lastNotForwarding = notForwarding;
        s.lastResult = result;
        return result;
    }

    /** A finding of the last look with this look's count of looks in a row (the evidence's {@code looks}). */
    private static Finding withLooks(Finding f, Pid1Look look) {
        Object before = f.evidence().get("looks");
        Integer now = f.rule().equals(RuleCatalog.PID1_SIGTERM_DROPPED.id()) ? Integer.valueOf(look.sigtermStreak())
                : f.rule().equals(RuleCatalog.PID1_SIGNALS_NOT_FORWARDED.id()) ? Integer.valueOf(look.notForwardingStreak()) : null;
        if (before == null || now == null || now.equals(before)) {
            return f;
        }
        return f.withEvidence("looks", now);
    }

    /** Forgets the containers not in {@code liveContainerKeys} (call once per scan, after the last analyze). */
    public void retain(Collection<K> liveContainerKeys) {
        Set<K> keep = liveContainerKeys instanceof Set<K> set ? set : new HashSet<>(liveContainerKeys);
        states.keySet().removeIf(k -> !keep.contains(k));
    }

    /** How many containers have state (for tests and a gauge). */
    public int tracked() {
        return states.size();
    }

    private static final class State {
        final ProcessIdentity identity;
        final LookConfirmer<SigtermVerdict.Delivery> sigterm;
        final LookConfirmer<Boolean> forwarding;
        final ZombieTracker zombies = new ZombieTracker();
        SigtermVerdict confirmedVerdict;
        /** What was made of the last look, for a look at the very same facts. */
        InitIdentifier.Identification lastInit;
        SigtermVerdict lastVerdict;
        boolean lastNotForwarding;
        Pid1Result lastResult;

        State(ProcessIdentity identity, int looks) {
            this.identity = identity;
            this.sigterm = new LookConfirmer<>(looks);
            this.forwarding = new LookConfirmer<>(looks);
        }
    }
}
