package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/stat} (proc(5)), the system-wide one: nscope takes {@code btime}, the boot time in seconds
 * since the epoch, against which a process's start time (in clock ticks since boot) becomes an instant.
 */
public final class ProcSystemStat {
    private ProcSystemStat() {
    }

    /** The {@code btime} line's seconds since the epoch. */
    public static long bootTimeSeconds(byte[] b, int len) throws MalformedFileException {
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (Ascii.startsWith(b, i, end, "btime ")) {
                int s = Ascii.skipSpaces(b, i + 6, end);
                long v = Ascii.parseLong(b, s, Ascii.tokenEnd(b, s, end));
                if (v <= 0) {
                    throw new MalformedFileException("stat: bad btime");
                }
                return v;
            }
            i = end + 1;
        }
        throw new MalformedFileException("stat: no btime");
    }
}
