package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/uid_map} and {@code gid_map} (user_namespaces(7)): lines {@code inside outside count}, each mapping
 * {@code count} ids from {@code inside} in the process's user namespace to {@code outside} in the reader's
 * (for the agent on the host: the host's). The initial namespace maps {@code 0 0 4294967295}; a namespace
 * whose map was never written has no lines.
 */
public final class ProcIdMap {
    /** The kernel allows at most 340 lines (Linux 4.15+; 5 before). */
    private static final int MAX_LINES = 340;

    private final long[] ranges;

    private ProcIdMap(long[] ranges) {
        this.ranges = ranges;
    }

    public static ProcIdMap parse(byte[] b, int len) throws MalformedFileException {
        long[] r = new long[3 * 4];
        int n = 0;
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            int s = Ascii.skipSpaces(b, i, end);
            if (s < end) {
                if (n == 3 * MAX_LINES) {
                    throw new MalformedFileException("id map: more lines than the kernel allows");
                }
                if (n == r.length) {
                    r = java.util.Arrays.copyOf(r, r.length * 2);
                }
                for (int k = 0; k < 3; k++) {
                    s = Ascii.skipSpaces(b, s, end);
                    int e = Ascii.tokenEnd(b, s, end);
                    long v = Ascii.parseLong(b, s, e);
                    if (v < 0 || v > 0xFFFF_FFFFL) {
                        throw new MalformedFileException("id map: bad number");
                    }
                    r[n++] = v;
                    s = e;
                }
                if (Ascii.skipSpaces(b, s, end) != end) {
                    throw new MalformedFileException("id map: more than three fields");
                }
            }
            i = end + 1;
        }
        return new ProcIdMap(java.util.Arrays.copyOf(r, n));
    }

    /** The id outside that {@code inside} maps to; -1 when no line maps it (the kernel shows it as the overflow id). */
    public long outside(long inside) {
        for (int k = 0; k < ranges.length; k += 3) {
            if (inside >= ranges[k] && inside - ranges[k] < ranges[k + 2]) {
                return ranges[k + 1] + (inside - ranges[k]);
            }
        }
        return -1;
    }

    /**
     * The id inside that maps to {@code outside}; -1 when none does. {@code status} shows a process's ids as the
     * reader's namespace sees them (the host's, for the agent), so this is how the container sees its own.
     */
    public long inside(long outside) {
        for (int k = 0; k < ranges.length; k += 3) {
            if (outside >= ranges[k + 1] && outside - ranges[k + 1] < ranges[k + 2]) {
                return ranges[k] + (outside - ranges[k + 1]);
            }
        }
        return -1;
    }

    /** True for the initial namespace's map, every id to itself. */
    public boolean identity() {
        return ranges.length == 3 && ranges[0] == 0 && ranges[1] == 0 && ranges[2] == 0xFFFF_FFFFL;
    }
}
