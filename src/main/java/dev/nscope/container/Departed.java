package dev.nscope.container;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Containers that went, kept a while with what is needed when one comes back under the same id (a {@code docker
 * restart}, a restart policy): {@link #KEEP_NANOS} after they went, {@link #MAX} at most, the oldest forgotten
 * first. The scanner keeps their restart count and last PID 1 here, the lifecycle their last snapshot and PID 1's
 * exit: both under this one policy, so that a return counts as a restart in both or in neither. Not thread-safe.
 */
public final class Departed<V> {
    public static final long KEEP_NANOS = 15 * 60_000_000_000L;
    public static final int MAX = 10_000;

    private record Gone<V>(V value, long nanos) {
    }

    private final LinkedHashMap<ContainerKey, Gone<V>> gone = new LinkedHashMap<>();

    /** {@code key} went at {@code nanos}, leaving {@code value}; it becomes the newest. */
    public void went(ContainerKey key, V value, long nanos) {
        gone.remove(key);
        gone.put(key, new Gone<>(value, nanos));
    }

    /** What the container that went under {@code key} left, no longer kept; null when none is. */
    public V returned(ContainerKey key) {
        Gone<V> g = gone.remove(key);
        return g == null ? null : g.value();
    }

    /** Forgets the oldest while they are past their time or too many. */
    public void forget(long nowNanos) {
        for (Iterator<Gone<V>> it = gone.values().iterator(); it.hasNext(); ) {
            Gone<V> g = it.next();
            if (gone.size() <= MAX && nowNanos - g.nanos() <= KEEP_NANOS) {
                break; // the rest went later
            }
            it.remove();
        }
    }

    public int size() {
        return gone.size();
    }
}
