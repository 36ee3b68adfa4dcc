package dev.nscope.host;

/**
 * Allocation-free helpers for the ASCII numbers and separators of kernel text files. Every method
 * works on {@code (bytes, from, to)} ranges; none throws on bad input: numbers that are not numbers
 * come back as {@link #NOT_A_NUMBER}, and callers turn that into their own typed error.
 */
public final class Ascii {
    /** Returned by the number parsers for an empty, non-numeric or overflowing field. */
    public static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private Ascii() {
    }

    /** Index of the first {@code c} in {@code [from, to)}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last {@code c} in {@code [from, to)}, or -1. */
    public static int lastIndexOf(byte[] b, int from, int to, byte c) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** End of the line starting at {@code from}: the index of its '\n', or {@code to}. */
    public static int lineEnd(byte[] b, int from, int to) {
        int i = indexOf(b, from, to, (byte) '\n');
        return i < 0 ? to : i;
    }

    /** True when {@code [from, to)} starts with the ASCII {@code prefix}. */
    public static boolean startsWith(byte[] b, int from, int to, String prefix) {
        int n = prefix.length();
        if (to - from < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[from + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code [from, to)} is exactly the ASCII {@code s}. */
    public static boolean equals(byte[] b, int from, int to, String s) {
        return to - from == s.length() && startsWith(b, from, to, s);
    }

    public static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** First index at or after {@code from} that is not a space or tab. */
    public static int skipSpaces(byte[] b, int from, int to) {
        int i = from;
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** First index at or after {@code from} that is a space, tab or newline (end of a token). */
    public static int tokenEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to && !isSpace(b[i])) {
            i++;
        }
        return i;
    }

    /**
     * A decimal number in {@code [from, to)} with an optional leading '-', or {@link #NOT_A_NUMBER}
     * for anything else (empty, other characters, overflow).
     */
    public static long parseLong(byte[] b, int from, int to) {
        if (from >= to) {
            return NOT_A_NUMBER;
        }
        boolean neg = b[from] == '-';
        int i = neg ? from + 1 : from;
        if (i >= to) {
            return NOT_A_NUMBER;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_NUMBER;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                return NOT_A_NUMBER;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /**
     * An unsigned decimal counter that may exceed {@code Long.MAX_VALUE} (the kernel prints u64):
     * saturates at {@code Long.MAX_VALUE} instead of failing. {@link #NOT_A_NUMBER} for non-digits.
     */
    public static long parseCounter(byte[] b, int from, int to) {
        if (from >= to) {
            return NOT_A_NUMBER;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_NUMBER;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                v = Long.MAX_VALUE;
            } else if (v != Long.MAX_VALUE) {
                v = v * 10 + d;
            }
        }
        return v;
    }

    /** A hexadecimal number of up to 16 digits (signal masks), or {@link #NOT_A_NUMBER}. */
    public static long parseHex(byte[] b, int from, int to) {
        if (from >= to || to - from > 16) {
            return NOT_A_NUMBER;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                return NOT_A_NUMBER;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The bytes as a string; invalid UTF-8 is replaced, never an exception. */
    public static String string(byte[] b, int from, int to) {
        return new String(b, from, Math.max(0, to - from), java.nio.charset.StandardCharsets.UTF_8);
    }
}
