package dev.nscope.cgroup;

/** Small arithmetic shared by the cgroup readers: absent stays absent, counters saturate. */
final class Figures {
    private Figures() {
    }

    static Long get(FlatKeyedFile.Values v, FlatKeyedFile.Key key) {
        return v == null ? null : v.get(key);
    }

    static Double seconds(FlatKeyedFile.Values v, FlatKeyedFile.Key key, double perSecond) {
        Long x = get(v, key);
        return x == null ? null : x / perSecond;
    }

    /** The first key's value, else the second's: v1's hierarchical {@code total_*} figure, else the cgroup's own. */
    static Long either(FlatKeyedFile.Values v, FlatKeyedFile.Key first, FlatKeyedFile.Key second) {
        Long t = get(v, first);
        return t != null ? t : get(v, second);
    }

    /** Usage minus inactive file cache, never below 0; null when either is unknown. */
    static Long workingSet(Long usage, Long inactiveFile) {
        if (usage == null || inactiveFile == null) {
            return null;
        }
        return Math.max(0, usage - inactiveFile);
    }

    /** Saturating addition of non-negative counters. */
    static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
