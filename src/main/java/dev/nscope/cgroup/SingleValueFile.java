package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * The cgroup "single value" format: one number (or {@code max}) and a newline. Read with it:
 * <ul>
 *   <li>v2 {@code memory.current}, {@code memory.max} ({@code max}), {@code memory.peak} (5.19+),
 *       {@code memory.swap.current} (4.18+, with swap accounting), {@code pids.current},
 *       {@code pids.max} ({@code max});</li>
 *   <li>v1 {@code memory.usage_in_bytes}, {@code memory.limit_in_bytes} (unlimited is
 *       {@code PAGE_COUNTER_MAX} pages, printed as 9223372036854771712 on 4 KiB pages),
 *       {@code memory.max_usage_in_bytes}, {@code cpuacct.usage} (ns), {@code pids.current},
 *       {@code pids.max} ({@code max}).</li>
 * </ul>
 * Counters are u64 and saturate at {@code Long.MAX_VALUE}.
 */
public final class SingleValueFile {
    /** Limits at or above 2^62 bytes (or tasks) are the kernel's "no limit" written as a number. */
    public static final long UNLIMITED_THRESHOLD = 1L << 62;

    private SingleValueFile() {
    }

    /** A counter or gauge: a non-negative number; {@code max} or anything else is malformed. */
    public static long parse(byte[] b, int len) throws MalformedFileException {
        int s = start(b, len);
        int e = Ascii.tokenEnd(b, s, len);
        check(b, s, e, len);
        long v = Ascii.parseCounter(b, s, e);
        if (v == Ascii.NOT_A_NUMBER) {
            throw new MalformedFileException("single value: not a number: " + Ascii.string(b, s, Math.min(e, s + 32)));
        }
        return v;
    }

    /** A limit: the number, or null for {@code max} and for values of {@link #UNLIMITED_THRESHOLD} or more. */
    public static Long parseLimit(byte[] b, int len) throws MalformedFileException {
        int s = start(b, len);
        int e = Ascii.tokenEnd(b, s, len);
        check(b, s, e, len);
        if (Ascii.equals(b, s, e, "max")) {
            return null;
        }
        long v = parse(b, len);
        return v >= UNLIMITED_THRESHOLD ? null : v;
    }

    private static int start(byte[] b, int len) throws MalformedFileException {
        int s = Ascii.skipSpaces(b, 0, len);
        if (s >= len || Ascii.isSpace(b[s])) {
            throw new MalformedFileException("single value: empty");
        }
        return s;
    }

    private static void check(byte[] b, int s, int e, int len) throws MalformedFileException {
        if (!FlatKeyedFile.blank(b, e, len)) {
            throw new MalformedFileException("single value: more than one value");
        }
    }
}
