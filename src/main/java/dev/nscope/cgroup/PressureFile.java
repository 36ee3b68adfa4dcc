package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * Pressure stall information of a v2 cgroup (4.20+, {@code CONFIG_PSI}): {@code cpu.pressure},
 * {@code memory.pressure}, {@code io.pressure}. Lines {@code some avg10=A avg60=A avg300=A total=U}
 * and {@code full …}, {@code total} in microseconds, the averages in percent with two decimals.
 * {@code cpu.pressure} has a {@code full} line only since 5.13.
 *
 * @param some the {@code some} line: time at least one task stalled
 * @param full the {@code full} line: time all non-idle tasks stalled at once; null when the file has none
 */
public record PressureFile(Line some, Line full) {

    /** One line: its total in microseconds and its averages in percent. */
    public record Line(long totalUsec, double avg10, double avg60, double avg300) {
    }

    public long someTotalUsec() {
        return some.totalUsec;
    }

    public Long fullTotalUsec() {
        return full == null ? null : full.totalUsec;
    }

    public static PressureFile parse(byte[] b, int len) throws MalformedFileException {
        Line some = null;
        Line full = null;
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
                Line line = line(b, e, end);
                if (isSome) {
                    some = line;
                } else {
                    full = line;
                }
            }
            i = end + 1;
        }
        if (some == null) {
            throw new MalformedFileException("pressure: no 'some' line");
        }
        return new PressureFile(some, full);
    }

    private static Line line(byte[] b, int from, int end) throws MalformedFileException {
        long total = -1;
        double[] avg = {Double.NaN, Double.NaN, Double.NaN};
        int t = Ascii.skipSpaces(b, from, end);
        while (t < end) {
            int te = Ascii.tokenEnd(b, t, end);
            if (Ascii.startsWith(b, t, te, "total=")) {
                total = Ascii.parseCounter(b, t + 6, te);
                if (total == Ascii.NOT_A_NUMBER) {
                    throw new MalformedFileException("pressure: bad total");
                }
            } else if (Ascii.startsWith(b, t, te, "avg10=")) {
                avg[0] = percent(b, t + 6, te);
            } else if (Ascii.startsWith(b, t, te, "avg60=")) {
                avg[1] = percent(b, t + 6, te);
            } else if (Ascii.startsWith(b, t, te, "avg300=")) {
                avg[2] = percent(b, t + 7, te);
            }
            t = Ascii.skipSpaces(b, te, end);
            if (t < end && Ascii.isSpace(b[t])) {
                t++; // a carriage return: a separator skipSpaces leaves
            }
        }
        if (total < 0) {
            throw new MalformedFileException("pressure: line without total=");
        }
        return new Line(total, avg[0], avg[1], avg[2]);
    }

    /** {@code 32.66}: digits, a point, two digits, as the kernel prints a percentage (NaN when it is not one). */
    private static double percent(byte[] b, int from, int to) throws MalformedFileException {
        int dot = Ascii.indexOf(b, from, to, (byte) '.');
        long whole = Ascii.parseLong(b, from, dot < 0 ? to : dot);
        long frac = dot < 0 || dot + 1 >= to ? 0 : Ascii.parseLong(b, dot + 1, to);
        int digits = dot < 0 ? 0 : to - dot - 1;
        if (whole < 0 || frac < 0 || digits > 6) {
            throw new MalformedFileException("pressure: bad average");
        }
        return whole + frac / Math.pow(10, digits);
    }
}
