package dev.nscope.scan;

import java.time.Instant;

/**
 * Turns a process's start time ({@code stat} field 22, clock ticks since boot) into an instant, from the
 * kernel's boot time ({@code btime} of {@code /proc/stat}, whole seconds: an instant is exact to a second).
 *
 * @param bootSeconds the boot time in seconds since the epoch; -1 when unknown (then there are no instants)
 */
record StartTimes(long bootSeconds, long ticksPerSecond) {
    static final StartTimes UNKNOWN = new StartTimes(-1, 100);

    /** The instant a process started, or null when the boot time is unknown. */
    Instant of(long startTicks) {
        if (bootSeconds < 0 || startTicks < 0) {
            return null;
        }
        long whole = startTicks / ticksPerSecond;
        long nanos = (startTicks % ticksPerSecond) * 1_000_000_000L / ticksPerSecond;
        return Instant.ofEpochSecond(bootSeconds + whole, nanos);
    }
}
