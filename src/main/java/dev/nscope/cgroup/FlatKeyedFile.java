package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cgroup "flat keyed" format (Documentation/admin-guide/cgroup-v2.rst, "Interface Files"): one
 * {@code key value} pair per line, the value an unsigned decimal (u64). Read with it:
 * <ul>
 *   <li>v2 {@code cpu.stat} (4.15+; {@code nr_periods}, {@code nr_throttled}, {@code throttled_usec} only
 *       with the cpu controller enabled), {@code memory.stat}, {@code memory.events}
 *       ({@code oom_kill} since 4.13), {@code pids.events} ({@code max});</li>
 *   <li>v1 {@code cpu.stat} ({@code throttled_time} in ns), {@code cpuacct.stat} (USER_HZ ticks),
 *       {@code memory.stat}, {@code memory.oom_control} ({@code oom_kill} since 4.13).</li>
 * </ul>
 * The caller names the keys it wants once ({@link Keys}); parsing compares bytes and allocates
 * nothing per line. Every line must have a key and a value; a wanted value must be a number. Values of
 * other keys are not interpreted, so a kernel that adds keys does not break the parser.
 */
public final class FlatKeyedFile {
    private FlatKeyedFile() {
    }

    /** A fixed list of wanted keys; build once (a static constant) and reuse, with a {@link Key} per key read. */
    public static final class Keys {
        private final String[] names;
        private final byte[][] bytes;

        private Keys(String[] names) {
            this.names = names.clone();
            this.bytes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                this.bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
            }
        }

        public static Keys of(String... names) {
            return new Keys(names);
        }

        public int size() {
            return names.length;
        }

        /** The handle of one of these keys, resolved once (a static constant beside the {@code Keys}). */
        public Key key(String name) {
            for (int k = 0; k < names.length; k++) {
                if (names[k].equals(name)) {
                    return new Key(this, k, name);
                }
            }
            throw new IllegalArgumentException(name + " is not one of " + Arrays.toString(names));
        }

        /** The index of the key {@code b[from, to)}, or -1. */
        int find(byte[] b, int from, int to) {
            int n = to - from;
            for (int k = 0; k < bytes.length; k++) {
                byte[] name = bytes[k];
                if (name.length == n && Arrays.equals(name, 0, n, b, from, to)) {
                    return k;
                }
            }
            return -1;
        }
    }

    /** One wanted key of a {@link Keys}: looks its value up without comparing names. */
    public static final class Key {
        private final Keys keys;
        private final int index;
        private final String name;

        private Key(Keys keys, int index, String name) {
            this.keys = keys;
            this.index = index;
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The values of the wanted keys; absent when the file lacks the key. */
    public static final class Values {
        private static final long ABSENT = Long.MIN_VALUE;
        private final Keys keys;
        private final long[] v;

        private Values(Keys keys) {
            this.keys = keys;
            v = new long[keys.size()];
            Arrays.fill(v, ABSENT);
        }

        public boolean has(Key key) {
            return v[index(key)] != ABSENT;
        }

        /** The value, or null when the file has no such key. */
        public Long get(Key key) {
            long x = v[index(key)];
            return x == ABSENT ? null : x;
        }

        /** By name, resolved at each call: for tests and one-off reads. */
        public Long get(String name) {
            return get(keys.key(name));
        }

        public boolean has(String name) {
            return has(keys.key(name));
        }

        private int index(Key key) {
            if (key.keys != keys) {
                throw new IllegalArgumentException(key + " is a key of other Keys");
            }
            return key.index;
        }
    }

    /** Parses the content of a flat keyed file, picking the {@code keys}. */
    public static Values parse(byte[] b, int len, Keys keys) throws MalformedFileException {
        Values out = new Values(keys);
        int lines = 0;
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (end > i) {
                int keyEnd = Ascii.tokenEnd(b, i, end);
                int vs = Ascii.skipSpaces(b, keyEnd, end);
                int ve = Ascii.tokenEnd(b, vs, end);
                if (keyEnd == i || ve == vs || !blank(b, ve, end)) {
                    throw new MalformedFileException("flat keyed: line " + (lines + 1) + " is not 'key value'");
                }
                int k = keys.find(b, i, keyEnd);
                if (k >= 0) {
                    long v = Ascii.parseCounter(b, vs, ve);
                    if (v == Ascii.NOT_A_NUMBER) {
                        throw new MalformedFileException("flat keyed: value of "
                                + Ascii.string(b, i, keyEnd) + " is not a number");
                    }
                    out.v[k] = v;
                }
                lines++;
            }
            i = end + 1;
        }
        if (lines == 0) {
            throw new MalformedFileException("flat keyed: empty");
        }
        return out;
    }

    /** True when {@code [from, to)} holds only whitespace. */
    static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Ascii.isSpace(b[i])) {
                return false;
            }
        }
        return true;
    }
}
