package dev.nscope.pid1;

/**
 * When processes exited, as the kernel's process events told it: the time of death /proc does not give. A zombie
 * whose exit is known is as old as its exit, not as the first look that saw it.
 */
public interface ExitTimes {
    /** Returned when the exit of a pid is not known. */
    long UNKNOWN = Long.MIN_VALUE;

    /** No exit is known: every zombie is aged from the first look that saw it. */
    ExitTimes NONE = pid -> UNKNOWN;

    /**
     * The {@link System#nanoTime()} of the latest exit of {@code pid}, or {@link #UNKNOWN}. The latest exit of a pid
     * is its zombie's: a zombie has exited, and a pid is not reused before its zombie is reaped.
     */
    long exitNanos(int pid);
}
