package dev.nscope.testing;

import java.lang.management.ManagementFactory;

/** What a piece of work costs on this thread: bytes allocated, and the best of several timings. */
public final class Cost {
    private Cost() {
    }

    public static long allocated(Runnable r) {
        com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = tm.getCurrentThreadAllocatedBytes();
        r.run();
        return tm.getCurrentThreadAllocatedBytes() - a0;
    }

    /** The least any of {@code runs} runs allocated: the steady cost, without a run the JIT had not compiled yet. */
    public static long leastAllocated(int runs, Runnable r) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            least = Math.min(least, allocated(r));
        }
        return least;
    }

    public static long bestNanos(int runs, Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }

    /**
     * The best of {@code runs} timings of {@code a} and of {@code b}, taken in turns, so that a stretch of a loaded
     * machine or a collection falls on both alike: {@code [a, b]} in nanoseconds.
     */
    public static long[] bestNanosInTurns(int runs, Runnable a, Runnable b) {
        long bestA = Long.MAX_VALUE;
        long bestB = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            bestA = Math.min(bestA, bestNanos(1, a));
            bestB = Math.min(bestB, bestNanos(1, b));
        }
        return new long[] {bestA, bestB};
    }
}
