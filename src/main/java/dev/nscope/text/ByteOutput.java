package dev.nscope.text;

import java.util.Arrays;

/**
 * A growable byte array for the agent's big responses (the Prometheus text and the containers JSON):
 * no locking, unlike {@link java.io.ByteArrayOutputStream}, ASCII written a char a byte, and UTF-8
 * written as {@code String.getBytes(UTF_8)} writes it, without the intermediate array.
 */
public final class ByteOutput {
    private byte[] a;
    private int n;

    public ByteOutput(int sizeHint) {
        a = new byte[Math.max(sizeHint, 256)];
    }

    /** The bytes written are the first {@link #length()} of this array (not trimmed: no copy). */
    public byte[] array() {
        return a;
    }

    public int length() {
        return n;
    }

    /** Forgets what was written, keeping the array. */
    public void reset() {
        n = 0;
    }

    /**
     * Makes room for {@code more} bytes and returns the array to write them into, from {@link #length()}
     * on; {@link #skip} then counts those written. For tight loops that write a byte at a time.
     */
    public byte[] reserve(int more) {
        room(more);
        return a;
    }

    /** Counts {@code written} bytes put straight into the array from {@link #reserve}. */
    public void skip(int written) {
        n += written;
    }

    private void room(int more) {
        if (n + more > a.length) {
            a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
        }
    }

    public ByteOutput put(byte b) {
        room(1);
        a[n++] = b;
        return this;
    }

    public ByteOutput put(byte[] b) {
        return put(b, 0, b.length);
    }

    public ByteOutput put(byte[] b, int from, int length) {
        room(length);
        System.arraycopy(b, from, a, n, length);
        n += length;
        return this;
    }

    /** Names, types and numbers: ASCII only, one byte a char. */
    public ByteOutput ascii(String s) {
        int len = s.length();
        room(len);
        for (int i = 0; i < len; i++) {
            a[n + i] = (byte) s.charAt(i);
        }
        n += len;
        return this;
    }

    /** Copies {@code length} bytes written earlier at {@code from} to the end. */
    public void copyWithin(int from, int length) {
        room(length);
        System.arraycopy(a, from, a, n, length);
        n += length;
    }

    /**
     * Writes the non-ASCII char at {@code k} of {@code s} (with its low surrogate, if it is the high
     * half of a pair) in UTF-8, as {@code String.getBytes(UTF_8)} does: a lone surrogate is {@code ?}.
     * Returns the index of the last char used.
     */
    public int utf8(String s, int k) {
        char c = s.charAt(k);
        if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(k + 1));
            put((byte) (0xF0 | (cp >> 18))).put((byte) (0x80 | ((cp >> 12) & 0x3F)))
                    .put((byte) (0x80 | ((cp >> 6) & 0x3F))).put((byte) (0x80 | (cp & 0x3F)));
            return k + 1;
        }
        if (Character.isSurrogate(c)) {
            put((byte) '?');
        } else if (c < 0x800) {
            put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
        } else {
            put((byte) (0xE0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3F))).put((byte) (0x80 | (c & 0x3F)));
        }
        return k;
    }

    /** A long in decimal, as {@link Long#toString(long)} writes it. */
    public ByteOutput digits(long v) {
        if (v == Long.MIN_VALUE) {
            return ascii(Long.toString(v));
        }
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        room(20);
        int start = n;
        do {
            a[n++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = n - 1; i < j; i++, j--) {
            byte t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return this;
    }
}
