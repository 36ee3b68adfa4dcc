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
}
