package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * Pressure stall information of a v2 cgroup (4.20+, {@code CONFIG_PSI}): {@code cpu.pressure},
 * {@code memory.pressure}, {@code io.pressure}. Lines {@code some avg10=A avg60=A avg300=A total=U}
 * and {@code full …}, {@code total} in microseconds. {@code cpu.pressure} has a {@code full} line only
 * since 5.13; the averages are not read.
 *
 * @param someTotalUsec time at least one task stalled
 * @param fullTotalUsec time all non-idle tasks stalled at once, null when the file has no {@code full} line
 */
public record PressureFile(long someTotalUsec, Long fullTotalUsec) {

    public static PressureFile parse(byte[] b, int len) throws MalformedFileException {
        long some = -1;
        long full = -1;
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (!FlatKeyedFile.blank(b, i, end)) {
                int s = Ascii.skipSpaces(b, i, end);
                int e = Ascii.tokenEnd(b, s, end);
                boolean isSome = Ascii.equals(b, s, e, "some");
                if (!isSome && !Ascii.equals(b, s, e, "full")) {
                    throw new MalformedFileException("pressure: line is not 'some …' or 'full …'");
                }
                long total = total(b, e, end);
                if (isSome) {
                    some = total;
                } else {
                    full = total;
                }
            }
            i = end + 1;
        }
        if (some < 0) {
            throw new MalformedFileException("pressure: no 'some' line");
        }
        return new PressureFile(some, full < 0 ? null : full);
    }

    private static long total(byte[] b, int from, int end) throws MalformedFileException {
        int t = Ascii.skipSpaces(b, from, end);
        while (t < end) {
            int te = Ascii.tokenEnd(b, t, end);
            if (Ascii.startsWith(b, t, te, "total=")) {
                long v = Ascii.parseCounter(b, t + 6, te);
                if (v == Ascii.NOT_A_NUMBER) {
                    throw new MalformedFileException("pressure: bad total");
                }
                return v;
            }
            t = Ascii.skipSpaces(b, te, end);
            if (t < end && Ascii.isSpace(b[t])) {
                t++;
            }
        }
        throw new MalformedFileException("pressure: line without total=");
    }
}
