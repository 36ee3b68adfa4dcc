package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * v2 {@code cpu.max} (4.15+, with the cpu controller enabled; absent in the root cgroup):
 * {@code $MAX $PERIOD}, where {@code $MAX} is {@code max} (no quota) or the quota in microseconds,
 * e.g. {@code max 100000} or {@code 50000 100000}. Also the holder of the v1 pair read by
 * {@link CpuCfs}.
 *
 * @param quotaUsec  CPU time allowed per period, null for no quota
 * @param periodUsec the CFS period
 */
public record CpuMax(Long quotaUsec, long periodUsec) {

    /** The quota in CPUs ({@code quota / period}), or null without a quota. */
    public Double quotaCores() {
        return quotaUsec == null ? null : (double) quotaUsec / periodUsec;
    }

    public static CpuMax parse(byte[] b, int len) throws MalformedFileException {
        int s = Ascii.skipSpaces(b, 0, len);
        int e = Ascii.tokenEnd(b, s, len);
        int ps = Ascii.skipSpaces(b, e, len);
        int pe = Ascii.tokenEnd(b, ps, len);
        if (e == s || pe == ps || !FlatKeyedFile.blank(b, pe, len)) {
            throw new MalformedFileException("cpu.max: not '$MAX $PERIOD'");
        }
        long period = Ascii.parseCounter(b, ps, pe);
        if (period == Ascii.NOT_A_NUMBER || period == 0) {
            throw new MalformedFileException("cpu.max: bad period");
        }
        if (Ascii.equals(b, s, e, "max")) {
            return new CpuMax(null, period);
        }
        long quota = Ascii.parseCounter(b, s, e);
        if (quota == Ascii.NOT_A_NUMBER) {
            throw new MalformedFileException("cpu.max: bad quota");
        }
        return new CpuMax(quota, period);
    }
}
