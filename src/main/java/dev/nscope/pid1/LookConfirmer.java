package dev.nscope.pid1;

import java.util.Objects;

/**
 * Confirms a per-look value over consecutive looks: a value becomes the confirmed one only after it
 * was seen in {@code needed} looks in a row, and stays confirmed until another value is (hysteresis).
 * One transient look neither raises nor clears a finding. Keyed by nothing: the owner
 * ({@link Pid1Analyzer}) keeps one per PID 1 identity and starts afresh when the identity changes.
 * Not thread-safe.
 *
 * @param <V> the value (a {@link SigtermVerdict.Delivery}, a boolean condition)
 */
public final class LookConfirmer<V> {
    private final int needed;
    private V confirmed;
    private V candidate;
    private int streak;

    /** @param needed looks in a row before a value counts, at least 2 */
    public LookConfirmer(int needed) {
        if (needed < 2) {
            throw new IllegalArgumentException("a verdict needs at least 2 looks, not " + needed);
        }
        this.needed = needed;
    }

    /** Records one look and returns the confirmed value (null while none is). */
    public V observe(V value) {
        if (streak > 0 && Objects.equals(candidate, value)) {
            streak++;
        } else {
            candidate = value;
            streak = 1;
        }
        if (streak >= needed) {
            confirmed = candidate;
        }
        return confirmed;
    }

    /** The confirmed value, null while none is. */
    public V confirmed() {
        return confirmed;
    }

    /** How many looks in a row saw the latest value. */
    public int streak() {
        return streak;
    }

    public int needed() {
        return needed;
    }
}
