package dev.nscope.host;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.Set;

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

    /** Any owner, for {@link #readUntrusted(String, long)}. */
    public static final long ANY_OWNER = -1;

    /**
     * Reads a file that someone other than root may have placed (runtime metadata): a symbolic link as its
     * last component is not followed, a FIFO or device is refused without blocking ({@link UnsafeFileException}),
     * a file larger than the cap is refused before it is read ({@link FileTooLargeException}), and with
     * {@code owner} not {@link #ANY_OWNER} a file that uid does not own is refused. The checks are made on
     * the opened descriptor.
     */
    public FileBytes readUntrusted(String path, long owner) throws IOException {
        return readChecked(path, owner, false);
    }

    /**
     * Reads a file whose path the operator gave (the web config and the files it names) with the same checks,
     * except that a symbolic link is followed: Kubernetes mounts every key of a Secret or ConfigMap as one, and
     * the path is the operator's choice. What the link leads to must still be a regular file within the cap.
     */
    public FileBytes readNamedFile(String path) throws IOException {
        return readChecked(path, ANY_OWNER, true);
    }

    private FileBytes readChecked(String path, long owner, boolean followLink) throws IOException {
        length = 0;
        READS.increment();
        if (nativeReader != null && NativeFiles.Stat.AVAILABLE) {
            nativeReader.readUntrusted(path, this, cap, owner, followLink);
            return this;
        }
        return readCheckedWithJdk(path, owner, followLink);
    }

    /**
     * The same through the JDK where JNA cannot be used: the checks are made on the path, then the file is
     * opened and must be the one checked. A FIFO swapped in between the check and the open could still block
     * that open; on Linux the native path has no such gap.
     */
    FileBytes readCheckedWithJdk(String path, long owner, boolean followLink) throws IOException {
        length = 0;
        Path p = Path.of(path);
        LinkOption[] how = followLink ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, how);
        if (a.isSymbolicLink()) {
            throw new UnsafeFileException(path, "a symbolic link (not followed)", ErrorKind.IO);
        }
        if (!a.isRegularFile()) {
            throw new UnsafeFileException(path, "not a regular file", ErrorKind.IO);
        }
        long uid = ((Number) Files.getAttribute(p, "unix:uid", how)).longValue() & 0xffffffffL;
        if (owner >= 0 && uid != owner) {
            throw new UnsafeFileException(path, "owned by uid " + uid + ", not " + owner, ErrorKind.PERMISSION);
        }
        if (a.size() > cap) {
            throw new FileTooLargeException(path, cap);
        }
        Set<OpenOption> open = followLink ? Set.of(StandardOpenOption.READ) : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel ch = Files.newByteChannel(p, open)) {
            Object key = Files.readAttributes(p, BasicFileAttributes.class, how).fileKey();
            if (key == null || !key.equals(a.fileKey())) {
                throw new UnsafeFileException(path, "replaced while it was opened", ErrorKind.IO);
            }
            return readFrom(Channels.newInputStream(ch), path);
        }
    }

    /** The same through {@link FileInputStream}: where JNA cannot be used, and to compare in tests. */
    FileBytes readWithJdk(String path) throws IOException {
        length = 0;
        try (FileInputStream in = new FileInputStream(path)) {
            return readFrom(in, path);
        }
    }

    private FileBytes readFrom(InputStream in, String path) throws IOException {
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
