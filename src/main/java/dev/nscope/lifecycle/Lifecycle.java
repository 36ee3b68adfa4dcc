package dev.nscope.lifecycle;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.container.ContainerKey;
import dev.nscope.container.Departed;
import dev.nscope.events.ContainerEvent;
import dev.nscope.events.EventRing;
import dev.nscope.events.ProcessEvent;
import dev.nscope.events.ProcessEventListener;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ProcessEntry;
import dev.nscope.scan.ScanSnapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * How containers live and end, from two sources: each published snapshot (which containers there are) and the
 * kernel's process events (forks, execs, exits, between the snapshots). It writes the events ring:
 * <ul>
 *   <li>{@code started}: a container a snapshot shows that the one before did not (not those of the first snapshot:
 *       they were there before the agent);</li>
 *   <li>{@code stopped}: a container a snapshot no longer shows, with its PID 1's exit where the exit event gave
 *       it ({@link StopOutcome}); without one (no events, or missed) the outcome is unknown (null);</li>
 *   <li>{@code pid1-restarted}: a container whose restart count went up (another PID 1 under the same id), with
 *       the old PID 1's exit;</li>
 *   <li>{@code oom-kill}: a container process that died of SIGKILL while its container's OOM-kill count rose, at
 *       once, with its pid and comm.</li>
 * </ul>
 * It also asks for a scan ({@link #wantScans}) when an exec comes from a process no container is known to hold
 * (a container may have started: the scan finds it without waiting for the interval), when a known PID 1 exits,
 * and when the kernel dropped events; the scan service debounces and spaces those, and asks {@link #scanDue} when
 * the time comes whether the scan is still wanted ({@link ScanDemand}: for an exec, once that process has lived
 * a moment). The events path reads no file
 * of a process: it keeps the members of the containers (from each snapshot, and their forks since) in memory,
 * and reads a container's OOM-kill count only when one of its processes dies of SIGKILL.
 *
 * <p>Thread-safe: events arrive on the source's thread, snapshots on the scanning thread; both hold this object's
 * lock for a moment of map updates, never while waiting on the host but for the one OOM count read.
 */
public final class Lifecycle implements ProcessEventListener, Consumer<ScanSnapshot> {
    private final EventRing ring;
    /** A container's OOM-kill count now, by its cgroup path (null: not known). */
    private final Function<String, Long> oomKills;
    private final PidExits exits;
    /** A process's name now ({@code comm}), null when it cannot be read: only for a PID 1 that exec'd, at its exit. */
    private final IntFunction<String> names;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private volatile Runnable wantScan = () -> { };

    /** The containers of the last snapshot, by key; null before the first. */
    private Map<ContainerKey, Live> live;
    /** Which container each known process (tgid) belongs to: the last snapshot's members and their forks since. */
    private final Map<Integer, Member> members = new HashMap<>();
    /** Containers that went, for a return under the same id to name the exit before it. */
    private final Departed<Gone> departed = new Departed<>();
    private final ScanDemand demand = new ScanDemand();

    /** A container as the last snapshot showed it, and what the events told of it since. */
    private static final class Live {
        final ContainerKey key;
        final ContainerSnapshot c;
        final Set<String> rules = new HashSet<>();
        Long oomKills;
        /** Its PID 1's exit, once the exit event came (null before). */
        Pid1Exit pid1Exit;

        Live(ContainerKey key, ContainerSnapshot c) {
            this.key = key;
            this.c = c;
            this.oomKills = c.stats() == null || c.stats().memory() == null ? null : c.stats().memory().oomKills();
            for (Finding f : c.findings()) {
                rules.add(f.rule());
            }
        }

        int pid1Pid() {
            return c.pid1() == null ? -1 : c.pid1().hostPid();
        }
    }

    private record Member(Live container, String comm) {
    }

    /** What a container that went left: its last snapshot and its PID 1's exit (null when none came). */
    private record Gone(ContainerSnapshot last, Pid1Exit exit) {
    }

    public Lifecycle(EventRing ring, CgroupLayout layout, HostPaths paths, PidExits exits) {
        this(ring, new OomKillCounter(layout)::read, pid -> comm(paths, pid), exits, Clock.systemUTC(), System::nanoTime);
    }

    Lifecycle(EventRing ring, Function<String, Long> oomKills, IntFunction<String> names, PidExits exits, Clock clock,
              LongSupplier nanoTime) {
        this.ring = ring;
        this.names = names;
        this.oomKills = oomKills;
        this.exits = exits;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** Who to ask for a scan when the events say the host changed (the scan service, which debounces). */
    public void wantScans(Runnable scan) {
        this.wantScan = scan;
    }

    @Override
    public void events(List<ProcessEvent> batch) {
        boolean scan = false;
        synchronized (this) {
            if (live == null) {
                return;
            }
            Set<ContainerKey> oomReadThisBatch = null;
            for (ProcessEvent e : batch) {
                if (!e.mainThread()) {
                    continue;
                }
                switch (e.type()) {
                    case FORK -> {
                        Member parent = members.get(e.parentTgid());
                        if (parent != null) {
                            members.put(e.tgid(), parent);
                        }
                    }
                    case EXEC -> {
                        Member m = members.get(e.tgid());
                        if (m == null) {
                            demand.exec(e.tgid(), e.nanos());
                            scan = true;
                        } else {
                            members.put(e.tgid(), new Member(m.container, null));
                        }
                    }
                    case EXIT -> {
                        demand.exited(e.tgid());
                        Member m = members.remove(e.tgid());
                        if (m == null) {
                            continue;
                        }
                        exits.exited(e.tgid(), e.nanos());
                        Live c = m.container;
                        boolean pid1 = e.tgid() == c.pid1Pid();
                        boolean oomRose = false;
                        // the namespace's teardown SIGKILLs every member after PID 1: one read, for PID 1's own
                        if (e.signal() == StopOutcome.SIGKILL && c.pid1Exit == null) {
                            if (oomReadThisBatch == null) {
                                oomReadThisBatch = new HashSet<>();
                            }
                            if (oomReadThisBatch.add(c.key)) {
                                oomRose = oomRose(c, e, m.comm);
                            }
                        }
                        if (pid1) {
                            Instant at = at(e.nanos());
                            // a PID 1 that exec'd since the last scan: its name, read once, while it is a zombie
                            String comm = m.comm != null ? m.comm : names.apply(e.tgid());
                            c.pid1Exit = new Pid1Exit(e.tgid(), comm, at, StopOutcome.of(e.exitStatus(), oomRose, c.rules));
                            demand.atOnce();
                            scan = true;
                        }
                    }
                }
            }
        }
        if (scan) {
            wantScan.run();
        }
    }

    /** Reads the container's OOM-kill count; when it rose, records an {@code oom-kill} event for this process. */
    private boolean oomRose(Live c, ProcessEvent e, String comm) {
        Long now = oomKills.apply(c.c.cgroupPath());
        if (now == null) {
            return false;
        }
        Long before = c.oomKills;
        c.oomKills = now;
        if (before == null || now <= before) {
            return false;
        }
        ContainerSnapshot s = c.c;
        // a process that exec'd after the last scan: its name read once, as for a PID 1
        String name = comm != null ? comm : names.apply(e.tgid());
        ring.add(new ContainerEvent(0, at(e.nanos()), ContainerEvent.OOM_KILL, s.id(), s.name(), s.runtime().label(), s.kubernetes(),
                new ContainerEvent.Pid1(e.tgid(), name), null, "SIGKILL", null, List.of(), null));
        return true;
    }

    @Override
    public void overflow() {
        // what was missed cannot be asked again: a scan sees what is there now
        synchronized (this) {
            demand.atOnce();
        }
        wantScan.run();
    }

    /** Whether the scan asked for is due, as its time comes ({@link ScanDemand#due}): 0 now, above 0 later, below 0 not. */
    public synchronized long scanDue() {
        return demand.due(nanoTime.getAsLong());
    }

    /** A snapshot was published: containers that came, went or got another PID 1 since the last one. */
    @Override
    public synchronized void accept(ScanSnapshot s) {
        long nowNanos = nanoTime.getAsLong();
        demand.scanBegan(nowNanos - s.node().scanMillis() * 1_000_000L);
        Instant now = s.node().scannedAt() != null ? s.node().scannedAt() : clock.instant();
        Map<ContainerKey, Live> next = new HashMap<>(Math.max(16, s.containers().size() * 2));
        for (ContainerSnapshot c : s.containers()) {
            ContainerKey key = new ContainerKey(c.runtime(), c.id());
            Live was = live == null ? null : live.get(key);
            Live l = new Live(key, c);
            next.put(key, l);
            if (live == null) {
                continue;
            }
            if (was == null) {
                Gone d = departed.returned(key);
                if (d != null && c.restarts() > d.last().restarts()) {
                    ring.add(ContainerEvents.restarted(c, d.last(), d.exit(), now));
                } else {
                    ring.add(ContainerEvents.started(c, c.startedAt() != null ? c.startedAt() : now));
                }
            } else if (c.restarts() > was.c.restarts()) {
                ring.add(ContainerEvents.restarted(c, was.c, was.pid1Exit, now));
            } else {
                // a PID 1 that exited after this pass read it: the container goes at the next
                l.pid1Exit = was.pid1Exit;
            }
            if (was != null && l.oomKills != null && was.oomKills != null && was.oomKills > l.oomKills) {
                l.oomKills = was.oomKills;
            }
        }
        if (live != null) {
            for (Live was : live.values()) {
                if (!next.containsKey(was.key)) {
                    ring.add(ContainerEvents.stopped(was.c, was.pid1Exit, now));
                    departed.went(was.key, new Gone(was.c, was.pid1Exit), nowNanos);
                }
            }
        }
        departed.forget(nowNanos);
        live = next;
        members.clear();
        for (Live l : next.values()) {
            for (ProcessEntry p : l.c.processList()) {
                members.put(p.pid(), new Member(l, p.comm()));
            }
        }
        exits.prune(nowNanos);
    }

    private static String comm(HostPaths paths, int pid) {
        try {
            String s = Files.readString(Path.of(paths.proc(pid + "/comm"))).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The wall-clock time of an event received at {@code nanos} ({@link System#nanoTime()}). */
    private Instant at(long nanos) {
        return clock.instant().minusNanos(Math.max(0, nanoTime.getAsLong() - nanos));
    }

    /** How many processes are known to belong to containers (for tests). */
    synchronized int members() {
        return members.size();
    }
}
