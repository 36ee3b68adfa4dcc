package dev.nscope.host;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable buffer that holds the whole content of one small kernel file. Readers read the file once
 * into it and hand {@code (data, length)} to a pure parser; the buffer grows up to {@link #cap} and a
 * larger file fails with {@link FileTooLargeException}. Not thread-safe: one per scanning thread.
 */
public final class FileBytes {
    /** Default cap: no procfs or cgroup file nscope reads is legitimately larger. */
    public static final int DEFAULT_CAP = 4 << 20;

    private byte[] data;
    private int length;
    private final int cap;
    private final NativeFiles.Reader nativeReader = NativeFiles.AVAILABLE ? new NativeFiles.Reader() : null;
    /** Files read by all instances since start: the work a pass does, for the regression tests and a gauge. */
    private static final java.util.concurrent.atomic.LongAdder READS = new java.util.concurrent.atomic.LongAdder();

    /** How many files have been read (opened) through any {@code FileBytes}. */
    public static long reads() {
        return READS.sum();
    }

    public FileBytes() {
        this(4096, DEFAULT_CAP);
    }

    public FileBytes(int initial, int cap) {
        this.data = new byte[Math.max(64, Math.min(initial, cap))];
        this.cap = cap;
    }

    /** Reads the whole file at {@code path}, replacing the previous content. */
    public FileBytes read(String path) throws IOException {
        length = 0;
        READS.increment();
        if (nativeReader != null) {
            nativeReader.readAll(path, this, cap);
            return this;
        }
        return readWithJdk(path);
    }

    /** The same through {@link FileInputStream}: where JNA cannot be used, and to compare in tests. */
    FileBytes readWithJdk(String path) throws IOException {
        length = 0;
        try (FileInputStream in = new FileInputStream(path)) {
            while (true) {
                if (length == data.length) {
                    if (data.length >= cap) {
                        // one more byte would be past the cap: is the file really larger?
                        if (in.read() < 0) {
                            return this;
                        }
                        length = 0;
                        throw new FileTooLargeException(path, cap);
                    }
                    data = Arrays.copyOf(data, Math.min(cap, data.length * 2));
                }
                int r = in.read(data, length, data.length - length);
                if (r < 0) {
                    return this;
                }
                length += r;
            }
        }
    }

    /** Replaces the content with {@code n} bytes of native memory. */
    void fill(com.sun.jna.Pointer mem, int n) {
        if (n > data.length) {
            data = new byte[Math.max(n, Math.min(cap, data.length * 2))];
        }
        mem.read(0, data, 0, n);
        length = n;
    }

    /** Replaces the content with the given bytes (tests, and parsers fed from elsewhere). */
    public FileBytes set(byte[] bytes) {
        if (bytes.length > data.length) {
            data = new byte[bytes.length];
        }
        System.arraycopy(bytes, 0, data, 0, bytes.length);
        length = bytes.length;
        return this;
    }

    public byte[] data() {
        return data;
    }

    public int length() {
        return length;
    }

    /** A copy of the content. */
    public byte[] copy() {
        return Arrays.copyOf(data, length);
    }

    /** True when the content equals {@code other} byte for byte. */
    public boolean contentEquals(byte[] other) {
        return other != null && Arrays.equals(data, 0, length, other, 0, other.length);
    }

    /** The content decoded as UTF-8 (malformed sequences replaced, never an exception). */
    public String asString() {
        return new String(data, 0, length, StandardCharsets.UTF_8);
    }
}
