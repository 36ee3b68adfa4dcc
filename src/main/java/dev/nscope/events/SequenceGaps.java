package dev.nscope.events;

import java.util.Arrays;

/**
 * Counts the events a socket missed from the connector's per-CPU sequence numbers: each CPU numbers every process
 * event it sends, in order (the kernel sends with preemption off), so a jump from n to n + k + 1 on one CPU is k
 * events lost. A CPU's first message sets its start; numbers wrap at 2^32. A number that goes back (never seen on
 * a kernel that keeps the order) restarts that CPU's count without counting anything. Used by one thread.
 */
final class SequenceGaps {
    private long[] next = new long[16];

    /** The events missed before this one on its CPU (0 when none), and notes it. */
    long missed(int cpu, long seq) {
        if (cpu < 0 || cpu > 1 << 16) {
            return 0;
        }
        if (cpu >= next.length) {
            int n = next.length;
            next = Arrays.copyOf(next, Math.max(cpu + 1, n * 2));
            Arrays.fill(next, n, next.length, 0);
        }
        long expected = next[cpu];
        // stored plus one, so that 0 means "not seen yet"
        next[cpu] = ((seq + 1) & 0xffffffffL) + 1;
        if (expected == 0) {
            return 0;
        }
        long gap = (seq - (expected - 1)) & 0xffffffffL;
        return gap < 1L << 31 ? gap : 0;
    }
}
