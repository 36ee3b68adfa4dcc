package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * v2 {@code io.stat} (4.16+ with {@code dbytes}/{@code dios} since 5.0), nested keyed: one line per
 * device, {@code MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N}, then whatever the active
 * IO policies add ({@code cost.vrate=…}, {@code use_delay=…}, debug stats), which is ignored. The
 * kernel prints a device with nothing to report as its bare {@code MAJ:MIN}: such lines are left out.
 * An empty file (no IO anywhere in the cgroup yet) is valid and gives no devices.
 */
public final class IoStat {
    private IoStat() {
    }

    public static List<ContainerStats.Device> parse(byte[] b, int len) throws MalformedFileException {
        List<ContainerStats.Device> out = new ArrayList<>(4);
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            int s = Ascii.skipSpaces(b, i, end);
            if (s < end && !FlatKeyedFile.blank(b, s, end)) {
                int devEnd = Ascii.tokenEnd(b, s, end);
                checkDevice(b, s, devEnd, "io.stat");
                long rbytes = -1;
                long wbytes = -1;
                long rios = -1;
                long wios = -1;
                boolean any = false;
                int t = Ascii.skipSpaces(b, devEnd, end);
                while (t < end && !FlatKeyedFile.blank(b, t, end)) {
                    int te = Ascii.tokenEnd(b, t, end);
                    int eq = Ascii.indexOf(b, t, te, (byte) '=');
                    if (eq <= t) {
                        throw new MalformedFileException("io.stat: token without key=value");
                    }
                    int which = Ascii.equals(b, t, eq, "rbytes") ? 0 : Ascii.equals(b, t, eq, "wbytes") ? 1
                            : Ascii.equals(b, t, eq, "rios") ? 2 : Ascii.equals(b, t, eq, "wios") ? 3 : -1;
                    if (which >= 0) {
                        long v = Ascii.parseCounter(b, eq + 1, te);
                        if (v == Ascii.NOT_A_NUMBER) {
                            throw new MalformedFileException("io.stat: bad value of " + Ascii.string(b, t, eq));
                        }
                        switch (which) {
                            case 0 -> rbytes = v;
                            case 1 -> wbytes = v;
                            case 2 -> rios = v;
                            default -> wios = v;
                        }
                        any = true;
                    }
                    t = Ascii.skipSpaces(b, te, end);
                }
                if (any) {
                    if (rbytes < 0 || wbytes < 0 || rios < 0 || wios < 0) {
                        throw new MalformedFileException("io.stat: device line without all of rbytes wbytes rios wios");
                    }
                    out.add(new ContainerStats.Device(Ascii.string(b, s, devEnd), rbytes, wbytes, rios, wios));
                }
            }
            i = end + 1;
        }
        return out;
    }

    /** {@code [s, e)} must be {@code MAJ:MIN}. */
    static void checkDevice(byte[] b, int s, int e, String file) throws MalformedFileException {
        int colon = Ascii.indexOf(b, s, e, (byte) ':');
        if (colon < 0 || Ascii.parseCounter(b, s, colon) < 0 || Ascii.parseCounter(b, colon + 1, e) < 0) {
            throw new MalformedFileException(file + ": bad device " + Ascii.string(b, s, Math.min(e, s + 32)));
        }
    }
}
