package dev.nscope.pid1;

import dev.nscope.proc.ProcessIdentity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each zombie died, as well as it can be told. /proc gives no time of death, so a zombie's age is counted
 * from its exit where the kernel's process events gave it ({@link ExitTimes}), else from the first look that saw
 * it; a zombie is identified by (pid, start time), so a reaped zombie whose pid is reused by a new one starts a
 * new clock. Zombies absent from a look are forgotten (reaped).
 * Times are {@link System#nanoTime()}-like values passed in, so tests need no sleeping. Not thread-safe.
 */
public final class ZombieTracker {

    /** A zombie with the time it was first seen and its age at this look. */
    public record Tracked(int pid, long startTime, long firstSeenNanos, long ageNanos) {
    }

    private final Map<ProcessIdentity, Long> firstSeen = new HashMap<>();

    /**
     * Records the zombies of one look and returns them, in the given order, with their ages; those
     * not in this look are dropped.
     */
    public List<Tracked> observe(Collection<ProcessIdentity> zombies, long nowNanos) {
        return observe(zombies, nowNanos, ExitTimes.NONE);
    }

    /** As {@link #observe(Collection, long)}, a zombie seen for the first time dated by its exit where {@code exits} knows it. */
    public List<Tracked> observe(Collection<ProcessIdentity> zombies, long nowNanos, ExitTimes exits) {
        Map<ProcessIdentity, Long> kept = new HashMap<>(Math.max(4, zombies.size() * 2));
        List<Tracked> out = new ArrayList<>(zombies.size());
        for (ProcessIdentity z : zombies) {
            Long t = firstSeen.get(z);
            long first = t != null ? t : diedAt(exits.exitNanos(z.pid()), nowNanos);
            if (kept.putIfAbsent(z, first) == null) {
                out.add(new Tracked(z.pid(), z.startTime(), first, Math.max(0, nowNanos - first)));
            }
        }
        firstSeen.clear();
        firstSeen.putAll(kept);
        return out;
    }

    /** An exit not after now dates the zombie; an unknown one (or a clock that disagrees) leaves it to this look. */
    private static long diedAt(long exitNanos, long nowNanos) {
        return exitNanos != ExitTimes.UNKNOWN && exitNanos - nowNanos <= 0 ? exitNanos : nowNanos;
    }

    /** How many zombies are tracked (those of the latest look). */
    public int size() {
        return firstSeen.size();
    }
}
