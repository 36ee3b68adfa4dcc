package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/limits}: a header line, then one line per resource, {@code Name Soft Hard [Units]},
 * the name several words, the limits numbers or {@code unlimited}. nscope takes the soft limit of
 * {@code Max open files} (RLIMIT_NOFILE).
 */
public final class ProcLimits {
    /** The soft limit of open files when it is {@code unlimited} (not possible for RLIMIT_NOFILE, but written so). */
    public static final long UNLIMITED = Long.MAX_VALUE;
    private static final String OPEN_FILES = "Max open files";

    private ProcLimits() {
    }

    /** The soft {@code Max open files}; {@link #UNLIMITED} for {@code unlimited}. */
    public static long openFilesSoft(byte[] b, int len) throws MalformedFileException {
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (Ascii.startsWith(b, i, end, OPEN_FILES)) {
                int s = Ascii.skipSpaces(b, i + OPEN_FILES.length(), end);
                int e = Ascii.tokenEnd(b, s, end);
                if (Ascii.equals(b, s, e, "unlimited")) {
                    return UNLIMITED;
                }
                long v = Ascii.parseLong(b, s, e);
                if (v < 0) {
                    throw new MalformedFileException("limits: Max open files soft limit is not a number");
                }
                return v;
            }
            i = end + 1;
        }
        throw new MalformedFileException("limits: no Max open files line");
    }
}
