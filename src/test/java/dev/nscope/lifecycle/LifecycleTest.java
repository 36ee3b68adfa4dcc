package dev.nscope.lifecycle;

import dev.nscope.cgroup.CgroupVersion;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.events.ContainerEvent;
import dev.nscope.events.EventRing;
import dev.nscope.events.ProcessEvent;
import dev.nscope.proc.Namespaces;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.NodeFacts;
import dev.nscope.scan.NodeInfo;
import dev.nscope.scan.Pid1Info;
import dev.nscope.scan.ProcessEntry;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.testing.TestData;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle on made-up snapshots and process events: what each sequence writes to the ring, and when it asks
 * for a scan. Times are fixed: the clock stands at {@link #NOW} and the event nanos are given.
 */
class LifecycleTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final Instant STARTED = NOW.minusSeconds(90);
    static final long NANOS = 1_000_000_000_000L;
    static final int SIGTERM = 15;

    final EventRing ring = new EventRing(100);
    final Map<String, Long> oomCounts = new HashMap<>();
    final AtomicInteger oomReads = new AtomicInteger();
    final PidExits exits = new PidExits();
    final AtomicInteger scans = new AtomicInteger();
    final Lifecycle lifecycle = new Lifecycle(ring, path -> {
        oomReads.incrementAndGet();
        return oomCounts.get(path);
    }, pid -> "named-" + pid, exits, Clock.fixed(NOW, ZoneOffset.UTC), () -> NANOS);

    LifecycleTest() {
        lifecycle.wantScans(scans::incrementAndGet);
    }

    static ContainerSnapshot web(int pid1, int restarts, String... rules) {
        return TestData.container("c1").name("web").cgroupPath("/docker/c1").startedAt(STARTED).restarts(restarts)
                .pid1(new Pid1Info(pid1, "sleep", null, null, false, 1))
                .stats(new ContainerStats(null, new ContainerStats.Memory(null, null, null, null, null, null, null, 0L), null, null, null,
                        null, null))
                .findings(Arrays.stream(rules).map(r -> new dev.nscope.rules.Finding(r, dev.nscope.rules.Severity.CRITICAL, "m", "f",
                        Map.of())).toList())
                .processList(List.of(new ProcessEntry(pid1, 1, 50, 'S', "sleep", 1, 1), new ProcessEntry(pid1 + 1, 2, pid1, 'S', "worker", 1, 2)))
                .build();
    }

    static ScanSnapshot snapshot(ContainerSnapshot... cs) {
        NodeInfo n = new NodeInfo("h", "6.1", NodeFacts.UNKNOWN, CgroupVersion.V2, NOW, 1, 1, Namespaces.none(), Map.of(), List.of());
        return new ScanSnapshot(n, Arrays.asList(cs));
    }

    static ProcessEvent exit(int pid, int status) {
        return ProcessEvent.exit(pid, pid, status, NANOS);
    }

    @Test
    void containersOfTheFirstSnapshotAreNoEventsThenANewOneStartsAndOneWithoutAnExitStopsWithNoOutcome() {
        lifecycle.accept(snapshot(web(100, 0)));
        assertThat(ring.since(0)).isEmpty();
        ContainerSnapshot other = TestData.container("c2").name("db").startedAt(STARTED.plusSeconds(30)).build();
        lifecycle.accept(snapshot(web(100, 0), other));
        lifecycle.accept(snapshot(other));
        List<ContainerEvent> events = ring.since(0);
        assertThat(events).extracting(ContainerEvent::type).containsExactly("started", "stopped");
        assertThat(events.get(0).id()).isEqualTo("c2");
        assertThat(events.get(0).time()).isEqualTo(STARTED.plusSeconds(30));
        ContainerEvent stop = events.get(1);
        assertThat(stop.id()).isEqualTo("c1");
        assertThat(stop.outcome()).as("no exit event: not known").isNull();
        assertThat(stop.pid1()).isEqualTo(new ContainerEvent.Pid1(100, "sleep"));
        assertThat(stop.lifetimeSeconds()).isEqualTo(90.0);
        assertThat(ring.stopsByOutcome().values()).allMatch(n -> n == 0);
    }

    @Test
    void aPid1KilledAfterDroppingSigtermIsKilledAndConfirmsTheFinding() {
        lifecycle.accept(snapshot(web(100, 0, RuleCatalog.PID1_SIGTERM_DROPPED.id())));
        lifecycle.events(List.of(exit(100, 9), exit(101, 9)));
        assertThat(scans.get()).as("a PID 1's exit asks for a scan").isEqualTo(1);
        assertThat(oomReads.get()).as("one read for the container, not one per member the teardown killed").isEqualTo(1);
        lifecycle.accept(snapshot());
        ContainerEvent stop = ring.since(0).get(0);
        assertThat(stop.type()).isEqualTo("stopped");
        assertThat(stop.outcome()).isEqualTo("killed");
        assertThat(stop.exitSignal()).isEqualTo("SIGKILL");
        assertThat(stop.exitCode()).isNull();
        assertThat(stop.confirms()).containsExactly("pid1-sigterm-dropped");
        assertThat(stop.time()).isEqualTo(NOW);
        assertThat(ring.stopsByOutcome()).containsEntry("killed", 1L);
    }

    @Test
    void exitsBySelfAndByOtherSignalsAreExitedAndSignaled() {
        lifecycle.accept(snapshot(web(100, 0, RuleCatalog.PID1_SIGTERM_DROPPED.id())));
        lifecycle.events(List.of(exit(100, 3 << 8)));
        lifecycle.accept(snapshot());
        ContainerEvent stop = ring.since(0).get(0);
        assertThat(stop.outcome()).isEqualTo("exited");
        assertThat(stop.exitCode()).isEqualTo(3);
        assertThat(stop.exitSignal()).isNull();
        assertThat(stop.confirms()).as("an exit by itself proves nothing of SIGTERM").isEmpty();

        lifecycle.accept(snapshot(web(200, 0)));
        lifecycle.events(List.of(exit(200, SIGTERM)));
        lifecycle.accept(snapshot());
        ContainerEvent signaled = ring.since(0).get(2);
        assertThat(signaled.type()).isEqualTo("stopped");
        assertThat(signaled.outcome()).isEqualTo("signaled");
        assertThat(signaled.exitSignal()).isEqualTo("SIGTERM");
        assertThat(oomReads.get()).as("no SIGKILL, no read").isZero();
    }

    @Test
    void anOomKillOfAMemberIsAnEventAtOnceAndAPid1OomKillIsTheStopsOutcome() {
        lifecycle.accept(snapshot(web(100, 0, RuleCatalog.MEMORY_NEAR_LIMIT.id())));
        oomCounts.put("/docker/c1", 1L);
        lifecycle.events(List.of(exit(101, 9)));
        List<ContainerEvent> events = ring.since(0);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("oom-kill");
            assertThat(e.pid1()).as("the process killed").isEqualTo(new ContainerEvent.Pid1(101, "worker"));
            assertThat(e.exitSignal()).isEqualTo("SIGKILL");
        });
        assertThat(scans.get()).as("a member's death is no reason to scan").isZero();

        oomCounts.put("/docker/c1", 2L);
        lifecycle.events(List.of(exit(100, 9)));
        lifecycle.accept(snapshot());
        ContainerEvent stop = ring.since(0).get(2);
        assertThat(ring.since(0).get(1).type()).isEqualTo("oom-kill");
        assertThat(stop.outcome()).isEqualTo("oom-killed");
        assertThat(stop.confirms()).containsExactly("memory-near-limit");
        assertThat(ring.stopsByOutcome()).containsEntry("oom-killed", 1L).containsEntry("killed", 0L);
    }

    @Test
    void aSigkillWithoutTheOomCountRisingIsNoOomKill() {
        lifecycle.accept(snapshot(web(100, 0)));
        oomCounts.put("/docker/c1", 0L);
        lifecycle.events(List.of(exit(101, 9)));
        assertThat(ring.since(0)).isEmpty();
        assertThat(oomReads.get()).isEqualTo(1);
    }

    @Test
    void aPid1ThatExecdSinceTheLastScanIsNamedAtItsExitAsItIsThen() {
        lifecycle.accept(snapshot(web(100, 0)));
        lifecycle.events(List.of(ProcessEvent.exec(100, 100, NANOS), exit(100, 9)));
        lifecycle.accept(snapshot());
        assertThat(ring.since(0).get(0).pid1()).isEqualTo(new ContainerEvent.Pid1(100, "named-100"));
    }

    @Test
    void aRestartUnderTheSameIdIsPid1RestartedWithTheOldExitWhetherOrNotAScanSawItGone() {
        // seen gone between: stopped, then pid1-restarted
        lifecycle.accept(snapshot(web(100, 0)));
        lifecycle.events(List.of(exit(100, 137 << 8)));
        lifecycle.accept(snapshot());
        lifecycle.accept(snapshot(web(300, 1)));
        List<ContainerEvent> events = ring.since(0);
        assertThat(events).extracting(ContainerEvent::type).containsExactly("stopped", "pid1-restarted");
        ContainerEvent restart = events.get(1);
        assertThat(restart.exitCode()).isEqualTo(137);
        assertThat(restart.outcome()).isEqualTo("exited");
        assertThat(restart.pid1()).as("the PID 1 that ended").isEqualTo(new ContainerEvent.Pid1(100, "sleep"));

        // never seen gone: pid1-restarted only
        lifecycle.events(List.of(exit(300, 9)));
        lifecycle.accept(snapshot(web(400, 2)));
        ContainerEvent again = ring.since(0).get(2);
        assertThat(again.type()).isEqualTo("pid1-restarted");
        assertThat(again.outcome()).isEqualTo("killed");
        assertThat(again.pid1().hostPid()).isEqualTo(300);
        assertThat(ring.since(0)).hasSize(3);
    }

    @Test
    void anExecOfAProcessNoContainerHoldsAsksForAScanAndForksAreFollowed() {
        lifecycle.events(List.of(ProcessEvent.exec(500, 500, NANOS)));
        assertThat(scans.get()).as("before the first snapshot nothing is known: no scan asked").isZero();
        lifecycle.accept(snapshot(web(100, 0)));
        lifecycle.events(List.of(ProcessEvent.exec(101, 101, NANOS)));
        assertThat(scans.get()).as("a member's exec").isZero();
        lifecycle.events(List.of(ProcessEvent.fork(600, 600, 101, 101, NANOS), ProcessEvent.exec(600, 600, NANOS),
                ProcessEvent.fork(601, 600, 101, 101, NANOS)));
        assertThat(scans.get()).as("a fork of a member is a member; a thread is not a process").isZero();
        lifecycle.events(List.of(ProcessEvent.exec(700, 700, NANOS), ProcessEvent.exec(701, 701, NANOS)));
        assertThat(scans.get()).as("one request for the batch").isEqualTo(1);

        lifecycle.events(List.of(exit(600, 0)));
        assertThat(exits.exitNanos(600)).as("a forked member's exit dates its zombie").isEqualTo(NANOS);
        assertThat(exits.exitNanos(700)).as("a process of no container is not kept").isEqualTo(PidExits.UNKNOWN);
        lifecycle.overflow();
        assertThat(scans.get()).as("dropped events: a scan").isEqualTo(2);
    }

    @Test
    void aScanAskedForAnExecIsDueOnlyOnceThatProcessHasLivedAWhileAndNotWhenItExitedBefore() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(NANOS);
        Lifecycle l = new Lifecycle(ring, path -> null, pid -> null, exits, Clock.fixed(NOW, ZoneOffset.UTC), clock::get);
        l.wantScans(scans::incrementAndGet);
        l.accept(snapshot(web(100, 0)));
        assertThat(l.scanDue()).as("nothing asked for").isNegative();

        // a storm of short processes: each asks, each is gone before the scan would come
        for (int pid = 1000; pid < 1100; pid++) {
            l.events(List.of(ProcessEvent.exec(pid, pid, clock.get())));
            clock.addAndGet(1_000_000);
            l.events(List.of(exit(pid, 0)));
        }
        assertThat(scans.get()).as("each exec of a process no container holds asks").isEqualTo(100);
        assertThat(l.scanDue()).as("all of them exited: no scan").isNegative();

        // a process that stays (a container's PID 1): due once it has lived the survival time
        l.events(List.of(ProcessEvent.exec(2000, 2000, clock.get())));
        clock.addAndGet(50_000_000);
        assertThat(l.scanDue()).as("asked again when it will have lived long enough").isEqualTo(ScanDemand.SURVIVAL_NANOS - 50_000_000);
        clock.addAndGet(ScanDemand.SURVIVAL_NANOS);
        assertThat(l.scanDue()).isZero();
        // the scan that came saw it: no more due for it
        l.accept(snapshot(web(100, 0)));
        assertThat(l.scanDue()).isNegative();

        // a PID 1's exit and dropped events are due at once, once
        l.events(List.of(exit(100, SIGTERM)));
        assertThat(l.scanDue()).isZero();
        assertThat(l.scanDue()).isNegative();
        l.overflow();
        assertThat(l.scanDue()).isZero();

        // more waiting execs than are kept: due at once
        for (int pid = 10_000; pid <= 10_000 + ScanDemand.WAITING_MAX; pid++) {
            l.events(List.of(ProcessEvent.exec(pid, pid, clock.get())));
        }
        assertThat(l.scanDue()).isZero();
    }
}
