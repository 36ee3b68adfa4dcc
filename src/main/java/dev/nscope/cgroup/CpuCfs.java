package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * v1 CFS bandwidth files of the cpu hierarchy (2.6.39+): {@code cpu.cfs_quota_us}, the quota in
 * microseconds or {@code -1} for none, and {@code cpu.cfs_period_us}, the period in microseconds. One
 * number and a newline each.
 */
public final class CpuCfs {
    private CpuCfs() {
    }

    /** {@code cpu.cfs_quota_us}: the quota, or null for {@code -1} (no quota). */
    public static Long parseQuota(byte[] b, int len) throws MalformedFileException {
        int s = Ascii.skipSpaces(b, 0, len);
        int e = Ascii.tokenEnd(b, s, len);
        if (e == s || !FlatKeyedFile.blank(b, e, len)) {
            throw new MalformedFileException("cpu.cfs_quota_us: not one number");
        }
        if (Ascii.equals(b, s, e, "-1")) {
            return null;
        }
        long v = Ascii.parseCounter(b, s, e);
        if (v == Ascii.NOT_A_NUMBER) {
            throw new MalformedFileException("cpu.cfs_quota_us: not a quota");
        }
        return v;
    }

    /** {@code cpu.cfs_period_us}: the period, never 0. */
    public static long parsePeriod(byte[] b, int len) throws MalformedFileException {
        long v = SingleValueFile.parse(b, len);
        if (v == 0) {
            throw new MalformedFileException("cpu.cfs_period_us: period 0");
        }
        return v;
    }
}
