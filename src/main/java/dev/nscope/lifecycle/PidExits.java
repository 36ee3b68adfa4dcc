package dev.nscope.lifecycle;

import dev.nscope.pid1.ExitTimes;

import java.util.HashMap;
import java.util.Map;

/**
 * The latest exit of each container process the process events reported, for zombie ages. Written on the events
 * thread, read on the scanning thread. Bounded: a snapshot prunes the exits older than {@link #KEEP_NANOS} (a zombie
 * older than that was aged from its exit at the looks before, and keeps that age), and it never holds more than
 * {@link #MAX} pids (the oldest half is dropped beyond).
 */
public final class PidExits implements ExitTimes {
    static final long KEEP_NANOS = 10 * 60_000_000_000L;
    static final int MAX = 65_536;

    private final Map<Integer, Long> exits = new HashMap<>();

    synchronized void exited(int pid, long nanos) {
        exits.put(pid, nanos);
        if (exits.size() > MAX) {
            long newest = Long.MIN_VALUE;
            long oldest = Long.MAX_VALUE;
            for (long t : exits.values()) {
                newest = Math.max(newest, t);
                oldest = Math.min(oldest, t);
            }
            long cut = oldest + (newest - oldest) / 2;
            exits.values().removeIf(t -> t - cut < 0);
        }
    }

    @Override
    public synchronized long exitNanos(int pid) {
        Long t = exits.get(pid);
        return t == null ? UNKNOWN : t;
    }

    synchronized void prune(long nowNanos) {
        exits.values().removeIf(t -> nowNanos - t > KEEP_NANOS);
    }

    synchronized int size() {
        return exits.size();
    }
}
