package dev.nscope.pid1;

import dev.nscope.proc.ProcSyscall;
import dev.nscope.rules.Finding;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nscope.testing.TestData.pid1;
import static dev.nscope.pid1.Looks.inSyscall;
import static dev.nscope.pid1.Looks.live;
import static dev.nscope.pid1.Looks.status;
import static dev.nscope.pid1.Looks.zombie;
import static dev.nscope.rules.RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
import static dev.nscope.rules.RuleCatalog.PID1_SIGTERM_DROPPED;
import static dev.nscope.rules.RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pid1AnalyzerTest {
    private static final long S = 1_000_000_000L;

    private final Pid1Analyzer analyzer = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());

    /** tini waiting: delivered. */
    private static Pid1Facts tiniWaiting(List<Pid1Facts.Child> kids) {
        return pid1().comm("tini").exe("/bin/tini").argv(List.of("tini", "--", "app")).status(status(0, 0x300000, 0))
                .syscall(inSyscall(128)).wchan("do_sigtimedwait.isra.0").children(kids).build();
    }

    /** The same tini caught without its wait and without TERM blocked: the look says dropped. */
    private static Pid1Facts tiniTransient() {
        return pid1().comm("tini").exe("/bin/tini").status(status(0, 0x300000, 0)).syscall(ProcSyscall.RUNNING).build();
    }

    private static Pid1Facts sleeper(long start, List<Pid1Facts.Child> kids, Long pidsMax) {
        return pid1().startTime(start).comm("sleep").exe("/usr/bin/sleep").argv(List.of("sleep", "100000"))
                .status(status(0, 0, 0)).syscall(inSyscall(230)).wchan("hrtimer_nanosleep").children(kids).pidsMax(pidsMax).build();
    }

    private static Pid1Facts shell(List<Pid1Facts.Child> kids, long sigCgt) {
        return pid1().comm("sh").exe("/usr/bin/dash").argv(List.of("sh", "-c", "a & b & wait")).status(status(0, 0, sigCgt))
                .syscall(inSyscall(130)).wchan("sigsuspend.isra.0").children(kids).build();
    }

    private static List<String> rules(Pid1Result r) {
        return r.findings().stream().map(Finding::rule).toList();
    }

    @Test
    void oneLookNeverFlagsAndTheSecondConfirms() {
        Pid1Result first = analyzer.analyze("c", sleeper(5000, List.of(), null), 0);
        assertThat(first.findings()).isEmpty();
        assertThat(first.catchesSigterm()).isNull();
        assertThat(first.initKind()).isEqualTo("unknown");
        Pid1Result second = analyzer.analyze("c", sleeper(5000, List.of(), null), S);
        assertThat(rules(second)).containsExactly(PID1_SIGTERM_DROPPED.id());
        assertThat(second.catchesSigterm()).isFalse();
        assertThat(second.findings().get(0).evidence().get("looks")).isEqualTo(2);
    }

    @Test
    void theSameFactsHandedAgainJudgeAsEqualFactsDo() {
        // the scanner passes the very same facts object while a container has not run
        Pid1Analyzer fresh = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());
        for (Pid1Facts same : List.of(shell(List.of(live(101, "a"), live(102, "b")), 0), sleeper(5000, List.of(), null),
                tiniWaiting(List.of(live(101, "app"))))) {
            for (int look = 0; look < 5; look++) {
                Pid1Facts copy = same.withChildren(same.children(), same.otherZombies());
                Pid1Result a = analyzer.analyze(same.comm(), same, look * S);
                Pid1Result b = fresh.analyze(same.comm(), copy, look * S);
                assertThat(a.findings()).as(same.comm() + " look " + look).isEqualTo(b.findings());
                assertThat(a.catchesSigterm()).isEqualTo(b.catchesSigterm());
                assertThat(a.initKind()).isEqualTo(b.initKind());
            }
        }
        Pid1Result last = analyzer.analyze("sh", shell(List.of(live(101, "a"), live(102, "b")), 0), 5 * S);
        assertThat(last.findings()).extracting(f -> f.evidence().get("looks")).containsOnly(6);
    }

    @Test
    void aTransientLookDoesNotFlag() {
        analyzer.analyze("c", tiniWaiting(List.of()), 0);
        assertThat(analyzer.analyze("c", tiniWaiting(List.of()), S).catchesSigterm()).isTrue();
        Pid1Result transientLook = analyzer.analyze("c", tiniTransient(), 2 * S);
        assertThat(transientLook.look().verdict().delivery()).isEqualTo(SigtermVerdict.Delivery.DROPPED);
        assertThat(transientLook.findings()).isEmpty();
        assertThat(transientLook.catchesSigterm()).as("one look does not flip a confirmed verdict").isTrue();
        assertThat(analyzer.analyze("c", tiniWaiting(List.of()), 3 * S).findings()).isEmpty();
    }

    @Test
    void alternatingLooksFromTheStartTellNothing() {
        for (int i = 0; i < 6; i++) {
            Pid1Result r = analyzer.analyze("c", i % 2 == 0 ? tiniTransient() : tiniWaiting(List.of()), i * S);
            assertThat(r.findings()).isEmpty();
            assertThat(r.catchesSigterm()).isNull();
        }
    }

    @Test
    void anUnreadableStatusNeitherConfirmsNorBreaksAStreak() {
        Pid1Facts blind = pid1().comm("sleep").build();
        analyzer.analyze("c", sleeper(5000, List.of(), null), 0);
        assertThat(analyzer.analyze("c", blind, S).findings()).isEmpty();
        assertThat(rules(analyzer.analyze("c", sleeper(5000, List.of(), null), 2 * S))).containsExactly(PID1_SIGTERM_DROPPED.id());
    }

    @Test
    void aNewPid1StartsAfresh() {
        analyzer.analyze("c", sleeper(5000, List.of(), null), 0);
        assertThat(analyzer.analyze("c", sleeper(5000, List.of(), null), S).findings()).isNotEmpty();
        assertThat(analyzer.analyze("c", sleeper(7000, List.of(), null), 2 * S).findings())
                .as("restarted container: same pid, other start time").isEmpty();
    }

    @Test
    void retainForgetsVanishedContainers() {
        analyzer.analyze("a", sleeper(5000, List.of(), null), 0);
        analyzer.analyze("b", sleeper(5000, List.of(), null), 0);
        assertThat(analyzer.tracked()).isEqualTo(2);
        analyzer.retain(List.of("b"));
        assertThat(analyzer.tracked()).isEqualTo(1);
        assertThat(analyzer.analyze("a", sleeper(5000, List.of(), null), S).findings()).as("a starts again").isEmpty();
        assertThat(analyzer.analyze("b", sleeper(5000, List.of(), null), S).findings()).isNotEmpty();
    }

    @Test
    void zombiesAreUnreapedOnlyAfterTheGrace() {
        List<Pid1Facts.Child> kids = List.of(zombie(201, 9000), zombie(202, 9000));
        Pid1Result once = analyzer.analyze("c", sleeper(5000, kids, null), 10 * S);
        assertThat(rules(once)).doesNotContain(PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(once.pid1Zombies()).isEqualTo(2);
        assertThat(once.unreapedZombies()).isZero();
        assertThat(rules(analyzer.analyze("c", sleeper(5000, kids, null), 14 * S))).as("4 s < grace").doesNotContain(PID1_ZOMBIES_NOT_REAPED.id());
        Pid1Result later = analyzer.analyze("c", sleeper(5000, kids, null), 15 * S);
        assertThat(rules(later)).contains(PID1_ZOMBIES_NOT_REAPED.id());
        Finding z = later.findings().stream().filter(f -> f.rule().equals(PID1_ZOMBIES_NOT_REAPED.id())).findFirst().orElseThrow();
        assertThat(z.evidence().get("zombies")).isEqualTo(2);
        assertThat(z.evidence().get("zombiePids")).isEqualTo(List.of(201, 202));
        assertThat(z.evidence().get("zombieAges")).isEqualTo(List.of(Map.of("pid", 201, "ageSeconds", 5.0), Map.of("pid", 202, "ageSeconds", 5.0)));
        assertThat(z.evidence().get("graceSeconds")).isEqualTo(5.0);
        assertThat(z.message()).contains("2 zombies").contains("5.0 s");
    }

    @Test
    void aReapedZombieWhosePidIsReusedStartsItsOwnClock() {
        analyzer.analyze("c", sleeper(5000, List.of(zombie(201, 9000)), null), 0);
        Pid1Result r = analyzer.analyze("c", sleeper(5000, List.of(zombie(201, 9100)), null), 10 * S);
        assertThat(rules(r)).doesNotContain(PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(r.look().pid1Zombies().get(0).ageNanos()).isZero();
    }

    @Test
    void aZombieWithLiveThreadsIsNotAZombie() {
        Pid1Facts.Child mainThreadExited = new Pid1Facts.Child(301, 9000, "java", 'Z', 12);
        analyzer.analyze("c", sleeper(5000, List.of(mainThreadExited), null), 0);
        Pid1Result r = analyzer.analyze("c", sleeper(5000, List.of(mainThreadExited), null), 60 * S);
        assertThat(r.pid1Zombies()).isZero();
        assertThat(r.liveChildren()).isEqualTo(1);
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id());
    }

    @Test
    void zombiesHoldingHalfOfPidsMaxAreCritical() {
        List<Pid1Facts.Child> kids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            kids.add(zombie(1000 + i, 9000));
        }
        analyzer.analyze("c", sleeper(5000, kids, 60L), 0);
        Finding z = analyzer.analyze("c", sleeper(5000, kids, 60L), 6 * S).findings().stream()
                .filter(f -> f.rule().equals(PID1_ZOMBIES_NOT_REAPED.id())).findFirst().orElseThrow();
        assertThat(z.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(z.evidence().get("zombies")).isEqualTo(30);
        assertThat((List<?>) z.evidence().get("zombiePids")).as("capped").hasSize(20);
        assertThat(z.evidence().get("shareOfPidsMax")).isEqualTo(0.5);

        Pid1Analyzer other = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());
        other.analyze("c", sleeper(5000, kids, 61L), 0);
        assertThat(other.analyze("c", sleeper(5000, kids, 61L), 6 * S).findings().stream()
                .filter(f -> f.rule().equals(PID1_ZOMBIES_NOT_REAPED.id())).findFirst().orElseThrow().severity())
                .isEqualTo(Severity.WARNING);
    }

    @Test
    void otherParentsZombiesAreCountedButAreNotThisFinding() {
        Pid1Facts f = sleeper(5000, List.of(live(150, "app")), null).withChildren(List.of(live(150, "app")), 4);
        analyzer.analyze("c", f, 0);
        Pid1Result r = analyzer.analyze("c", f, 10 * S);
        assertThat(rules(r)).doesNotContain(PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(r.look().facts().otherZombies()).isEqualTo(4);
    }

    @Test
    void aShellWithChildrenIsFlaggedOnlyWhenSeenTwice() {
        analyzer.analyze("c", shell(List.of(live(101, "sleep")), 0x10000), 0);
        Pid1Result noKids = analyzer.analyze("c", shell(List.of(), 0x10000), S);
        assertThat(rules(noKids)).containsExactly(PID1_SIGTERM_DROPPED.id());
        analyzer.analyze("c", shell(List.of(live(102, "dd")), 0x10000), 2 * S);
        Pid1Result r = analyzer.analyze("c", shell(List.of(live(102, "dd")), 0x10000), 3 * S);
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id());
        Finding n = r.findings().get(1);
        assertThat(n.evidence().get("children")).isEqualTo(List.of(Map.of("pid", 102, "comm", "dd")));
        assertThat(n.evidence().get("catchesSigterm")).isEqualTo(false);
        assertThat(n.fix()).contains("exec");
    }

    @Test
    void forwardingIsNotGuessed() {
        // java with a SIGTERM handler and children: delivered, forwarding unknown: not flagged
        Pid1Facts java = pid1().comm("java").exe("/opt/java/bin/java").argv(List.of("java", "-jar", "a.jar"))
                .status(status(0, 0, 0x4000)).syscall(inSyscall(202)).wchan("futex_wait_queue").children(List.of(live(120, "helper"))).build();
        analyzer.analyze("j", java, 0);
        assertThat(analyzer.analyze("j", java, S).findings()).isEmpty();
        // tini with children: a forwarding init, never flagged
        analyzer.analyze("t", tiniWaiting(List.of(live(101, "app"))), 0);
        assertThat(analyzer.analyze("t", tiniWaiting(List.of(live(101, "app"))), S).findings()).isEmpty();
        // python dropping SIGTERM with a child: it never tells it
        Pid1Facts py = pid1().comm("python3").exe("/usr/bin/python3.12").argv(List.of("python3", "app.py"))
                .status(status(0, 0, 0)).syscall(inSyscall(7)).wchan("do_sys_poll").children(List.of(live(130, "worker"))).build();
        analyzer.analyze("p", py, 0);
        Pid1Result r = analyzer.analyze("p", py, S);
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id());
        assertThat((String) r.findings().get(1).evidence().get("reason")).contains("drops SIGTERM itself");
    }

    @Test
    void sigtermEvidenceDecodesTheMasks() {
        analyzer.analyze("c", shell(List.of(), 0x10002), 0);
        Finding f = analyzer.analyze("c", shell(List.of(), 0x10002), S).findings().get(0);
        assertThat(f.rule()).isEqualTo(PID1_SIGTERM_DROPPED.id());
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.evidence().get("sigCgt")).isEqualTo(Map.of("hex", "0000000000010002", "signals", List.of("SIGINT", "SIGCHLD")));
        assertThat(f.evidence().get("sigBlk")).isEqualTo(Map.of("hex", "0000000000000000", "signals", List.of()));
        assertThat(f.evidence().get("syscall")).isEqualTo("130");
        assertThat(f.evidence().get("initKind")).isEqualTo("shell");
        assertThat(f.evidence().get("identifiedBy")).isEqualTo("exe /usr/bin/dash");
        assertThat(f.evidence().get("stopSignal")).isEqualTo("SIGTERM");
        assertThat(f.fix()).contains("exec \"$@\"");
        assertThat(f.message()).startsWith("PID 1 (sh, shell) will not receive SIGTERM");
    }

    @Test
    void theWaitIsNamedInTheEvidence() {
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());
        Pid1Facts f = tiniWaiting(List.of());
        a.analyze("c", f, 0);
        Pid1Look look = a.analyze("c", f, S).look();
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        Pid1Evidence.signals(e, look);
        assertThat(e.get("syscall")).isEqualTo("128 (rt_sigtimedwait)");
        assertThat(e.get("sigIgn")).isEqualTo(Map.of("hex", "0000000000300000", "signals", List.of("SIGTTIN", "SIGTTOU")));
    }

    @Test
    void disabledRulesDoNotRun() {
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of(RuleCatalog.PID1_SIGTERM_DROPPED.id()));
        assertThat(a.ruleIds()).containsExactly(PID1_ZOMBIES_NOT_REAPED.id(), PID1_SIGNALS_NOT_FORWARDED.id());
        a.analyze("c", sleeper(5000, List.of(), null), 0);
        Pid1Result r = a.analyze("c", sleeper(5000, List.of(), null), S);
        assertThat(r.findings()).isEmpty();
        assertThat(r.catchesSigterm()).as("the verdict is still given").isFalse();
    }

    @Test
    void moreLooksWhenAsked() {
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 3, Set.of());
        a.analyze("c", sleeper(5000, List.of(), null), 0);
        assertThat(a.analyze("c", sleeper(5000, List.of(), null), S).findings()).isEmpty();
        assertThat(a.analyze("c", sleeper(5000, List.of(), null), 2 * S).findings()).hasSize(1);
        assertThatThrownBy(() -> new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 1, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(-1), 2, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aZeroGraceStillNeedsASecondLook() {
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ZERO, 2, Set.of());
        List<Pid1Facts.Child> kids = List.of(zombie(201, 9000));
        assertThat(a.analyze("c", sleeper(5000, kids, null), 0).unreapedZombies()).isZero();
        assertThat(a.analyze("c", sleeper(5000, kids, null), 1).unreapedZombies()).isEqualTo(1);
    }
}
