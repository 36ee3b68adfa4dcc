package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/<pid>/net/dev}: the interfaces of the process's network namespace (proc(5)). Two header
 * lines, then one line per interface: the name, a ':', then 16 counters, receive {@code bytes packets
 * errs drop fifo frame compressed multicast} and transmit {@code bytes packets errs drop fifo colls
 * carrier compressed}. The name is right-aligned and cannot hold ':' or spaces; older kernels wrote
 * no space after the ':' ({@code eth0:123 …}). Counters are u64 and saturate at {@code Long.MAX_VALUE}.
 */
public record NetDev(List<Interface> interfaces) {

    public record Interface(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                            long txBytes, long txPackets, long txErrors, long txDropped) {
    }

    private static final int FIELDS = 16;

    /** The interface called {@code name}, or null. */
    public Interface find(String name) {
        for (Interface i : interfaces) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    public static NetDev parse(byte[] b, int len) throws MalformedFileException {
        int h1 = Ascii.lineEnd(b, 0, len);
        if (h1 >= len || !Ascii.startsWith(b, 0, h1, "Inter-|")) {
            throw new MalformedFileException("net/dev: no header");
        }
        int h2 = Ascii.lineEnd(b, h1 + 1, len);
        if (!Ascii.startsWith(b, Ascii.skipSpaces(b, h1 + 1, h2), h2, "face |")) {
            throw new MalformedFileException("net/dev: no second header line");
        }
        List<Interface> out = new ArrayList<>(4);
        long[] f = new long[FIELDS];
        int i = h2 + 1;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            int s = Ascii.skipSpaces(b, i, end);
            if (s < end) {
                int colon = Ascii.indexOf(b, s, end, (byte) ':');
                if (colon <= s || Ascii.tokenEnd(b, s, colon) != colon) {
                    throw new MalformedFileException("net/dev: line without 'name:'");
                }
                int t = colon + 1;
                for (int k = 0; k < FIELDS; k++) {
                    t = Ascii.skipSpaces(b, t, end);
                    int te = Ascii.tokenEnd(b, t, end);
                    long v = Ascii.parseCounter(b, t, te);
                    if (v == Ascii.NOT_A_NUMBER) {
                        throw new MalformedFileException("net/dev: field " + (k + 1) + " missing or not a number");
                    }
                    f[k] = v;
                    t = te;
                }
                out.add(new Interface(Ascii.string(b, s, colon), f[0], f[1], f[2], f[3], f[8], f[9], f[10], f[11]));
            }
            i = end + 1;
        }
        return new NetDev(List.copyOf(out));
    }
}
