package dev.nscope.lifecycle;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.container.ContainerKey;
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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * the time comes whether the scan is still wanted. For an exec it is once that process has lived
 * {@link #SURVIVAL_NANOS}: a container's PID 1 does, while a shell loop or a build execs thousands of processes
 * that are gone within milliseconds, which no scan could have seen and none needs to. The events path reads no file
 * of a process: it keeps the members of the containers (from each snapshot, and their forks since) in memory,
 * and reads a container's OOM-kill count only when one of its processes dies of SIGKILL.
 *
 * <p>Thread-safe: events arrive on the source's thread, snapshots on the scanning thread; both hold this object's
 * lock for a moment of map updates, never while waiting on the host but for the one OOM count read.
 */
public final class Lifecycle implements ProcessEventListener, Consumer<ScanSnapshot> {
    /** How long a container that went is remembered, for a return under the same id to name the exit before it. */
    static final long DEPARTED_KEEP_NANOS = 15 * 60_000_000_000L;
    static final int DEPARTED_MAX = 10_000;
    /** How long a process that exec'd, held by no container, must live before a scan is due for it. */
    static final long SURVIVAL_NANOS = 200_000_000L;
    /** The most such execs kept waiting; past that a scan is due at once (and they are forgotten). */
    static final int WAITING_MAX = 4096;

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
    /** Containers that went, for a while: their restart count and PID 1's exit, in the order they went. */
    private final LinkedHashMap<ContainerKey, Departed> departed = new LinkedHashMap<>();
    /** Processes no container held that exec'd since the last scan began and have not exited: when each exec came. */
    private final Map<Integer, Long> waitingExecs = new HashMap<>();
    /** A scan is due whatever the execs: a known PID 1 exited, or the kernel dropped events. */
    private boolean scanNow;

    /** A container as the last snapshot showed it, and what the events told of it since. */
    private static final class Live {
        final ContainerKey key;
        final ContainerSnapshot c;
        final Set<String> rules = new HashSet<>();
        Long oomKills;
        /** Its PID 1's exit, once the exit event came (null before). */
        Exit pid1Exit;

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

    /** A PID 1's exit: its raw wait status, when, and whether the container's OOM-kill count rose with it. */
    private record Exit(int pid, String comm, int status, Instant time, boolean oomRose, StopOutcome outcome) {
    }

    private record Departed(int restarts, Exit exit, ContainerSnapshot last, long goneNanos) {
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
                            if (waitingExecs.size() >= WAITING_MAX) {
                                waitingExecs.clear();
                                scanNow = true;
                            } else {
                                waitingExecs.putIfAbsent(e.tgid(), nanoTime.getAsLong());
                            }
                            scan = true;
                        } else {
                            members.put(e.tgid(), new Member(m.container, null));
                        }
                    }
                    case EXIT -> {
                        waitingExecs.remove(e.tgid());
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
                            c.pid1Exit = new Exit(e.tgid(), comm, e.exitStatus(), at, oomRose,
                                    StopOutcome.of(e.exitStatus(), oomRose, c.rules));
                            scanNow = true;
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
            scanNow = true;
        }
        wantScan.run();
    }

    /**
     * Whether the scan asked for is due, when its time comes: 0 now (a PID 1 exited, events were dropped, or a
     * process of no container that exec'd has lived {@link #SURVIVAL_NANOS}), above 0 the nanoseconds until the
     * youngest such process will have, below 0 no longer wanted (all of them exited).
     */
    public synchronized long scanDue() {
        if (scanNow) {
            scanNow = false;
            return 0;
        }
        long now = nanoTime.getAsLong();
        long wait = -1;
        for (long at : waitingExecs.values()) {
            long left = SURVIVAL_NANOS - (now - at);
            if (left <= 0) {
                return 0;
            }
            wait = wait < 0 ? left : Math.min(wait, left);
        }
        return wait;
    }

    /** A snapshot was published: containers that came, went or got another PID 1 since the last one. */
    @Override
    public synchronized void accept(ScanSnapshot s) {
        long nowNanos = nanoTime.getAsLong();
        // execs before this scan began: it saw what they became
        long began = nowNanos - s.node().scanMillis() * 1_000_000L;
        waitingExecs.values().removeIf(at -> at < began);
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
                Departed d = departed.remove(key);
                if (d != null && c.restarts() > d.restarts) {
                    ring.add(restarted(c, d.last, d.exit, now));
                } else {
                    ring.add(started(c, c.startedAt() != null ? c.startedAt() : now));
                }
            } else if (c.restarts() > was.c.restarts()) {
                ring.add(restarted(c, was.c, was.pid1Exit, now));
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
                    ring.add(stopped(was, now));
                    departed.remove(was.key);
                    departed.put(was.key, new Departed(was.c.restarts(), was.pid1Exit, was.c, nowNanos));
                }
            }
        }
        forgetDeparted(nowNanos);
        live = next;
        members.clear();
        for (Live l : next.values()) {
            for (ProcessEntry p : l.c.processList()) {
                members.put(p.pid(), new Member(l, p.comm()));
            }
        }
        exits.prune(nowNanos);
    }

    private ContainerEvent stopped(Live was, Instant now) {
        ContainerSnapshot c = was.c;
        Exit x = was.pid1Exit;
        Instant at = x == null ? now : x.time;
        ContainerEvent.Pid1 pid1 = x != null ? new ContainerEvent.Pid1(x.pid, x.comm) : pid1Of(c);
        StopOutcome o = x == null ? null : x.outcome;
        return new ContainerEvent(0, at, ContainerEvent.STOPPED, c.id(), c.name(), c.runtime().label(), c.kubernetes(), pid1,
                o == null ? null : o.exitCode(), o == null ? null : o.exitSignal(), o == null ? null : o.outcome(),
                o == null ? List.of() : o.confirms(), lifetime(c.startedAt(), at));
    }

    /** Another PID 1 under the id of {@code was}: the old one's exit, when it came, and how long it lived. */
    private ContainerEvent restarted(ContainerSnapshot c, ContainerSnapshot was, Exit x, Instant now) {
        Instant at = c.startedAt() != null ? c.startedAt() : now;
        ContainerEvent.Pid1 pid1 = x != null ? new ContainerEvent.Pid1(x.pid, x.comm) : pid1Of(was);
        StopOutcome o = x == null ? null : x.outcome;
        return new ContainerEvent(0, at, ContainerEvent.PID1_RESTARTED, c.id(), c.name(), c.runtime().label(), c.kubernetes(), pid1,
                o == null ? null : o.exitCode(), o == null ? null : o.exitSignal(), o == null ? null : o.outcome(),
                o == null ? List.of() : o.confirms(), lifetime(was.startedAt(), x != null ? x.time : at));
    }

    private static ContainerEvent started(ContainerSnapshot c, Instant at) {
        return new ContainerEvent(0, at, ContainerEvent.STARTED, c.id(), c.name(), c.runtime().label(), c.kubernetes(), pid1Of(c),
                null, null, null, List.of(), null);
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

    private void forgetDeparted(long nowNanos) {
        Iterator<Departed> it = departed.values().iterator();
        while (it.hasNext()) {
            Departed d = it.next();
            if (nowNanos - d.goneNanos > DEPARTED_KEEP_NANOS || departed.size() > DEPARTED_MAX) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** How many processes are known to belong to containers (for tests). */
    synchronized int members() {
        return members.size();
    }
}
