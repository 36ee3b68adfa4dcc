package dev.nscope.lifecycle;

import dev.nscope.container.ContainerKey;
import dev.nscope.scan.ContainerSnapshot;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Containers that went, for a while ({@link #KEEP_NANOS}, at most {@link #MAX}), in the order they went: a return
 * under the same id with a higher restart count is a {@code pid1-restarted}, naming the exit before it. Not
 * thread-safe: the lifecycle holds its lock around every call.
 */
final class Departures {
    static final long KEEP_NANOS = 15 * 60_000_000_000L;
    static final int MAX = 10_000;

    record Departed(int restarts, Pid1Exit exit, ContainerSnapshot last, long goneNanos) {
    }

    private final LinkedHashMap<ContainerKey, Departed> departed = new LinkedHashMap<>();

    void went(ContainerKey key, ContainerSnapshot last, Pid1Exit exit, long nanos) {
        departed.remove(key);
        departed.put(key, new Departed(last.restarts(), exit, last, nanos));
    }

    /** The container that went under {@code key}, no longer kept; null when none is. */
    Departed remove(ContainerKey key) {
        return departed.remove(key);
    }

    /** Forgets the oldest while they are past their time or too many. */
    void forget(long nowNanos) {
        Iterator<Departed> it = departed.values().iterator();
        while (it.hasNext()) {
            Departed d = it.next();
            if (nowNanos - d.goneNanos() > KEEP_NANOS || departed.size() > MAX) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
