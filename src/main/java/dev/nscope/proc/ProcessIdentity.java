package dev.nscope.proc;

/**
 * A process as the kernel tells it apart over time: its pid and its start time ({@code stat} field 22,
 * clock ticks since boot). Pids are reused; the pair is not.
 */
public record ProcessIdentity(int pid, long startTime) {
}
