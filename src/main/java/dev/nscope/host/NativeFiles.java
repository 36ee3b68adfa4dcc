package dev.nscope.host;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Whole-file reads with libc's {@code open}/{@code read}/{@code close} through JNA direct mapping: a
 * pass over a big node reads tens of thousands of small procfs and cgroupfs files, and the JDK's
 * streams cost about a third more per file than C (objects, a cleaner per stream). Failures map to the
 * exceptions {@link KernelErrors} classifies (ENOENT → {@link NoSuchFileException}, ESRCH → "No such
 * process", EACCES/EPERM → {@link AccessDeniedException}). {@link #AVAILABLE} is false where JNA or
 * libc cannot be loaded; {@link FileBytes} then reads through the JDK.
 *
 * <p>procfs and cgroupfs files are seq_files: a read fills the caller's buffer from one kernel page of
 * records, so a read shorter than {@link #SURE_EOF} means the content has ended, and the extra read
 * that would return 0 is skipped.
 */
final class NativeFiles {
    static final boolean AVAILABLE;
    /** A read that returns less than this has returned the whole content (records are far shorter than a page). */
    static final int SURE_EOF = 2048;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EINTR = 4;
    private static final int EACCES = 13;
    private static final int EPERM = 1;

    static {
        boolean ok = false;
        try {
            if (Platform.isLinux()) {
                Native.register(NativeFiles.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                ok = true;
            }
        } catch (LinkageError | RuntimeException e) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    private static native int open(byte[] path, int flags);

    private static native long read(int fd, Pointer buf, long count);

    private static native int close(int fd);

    private static native long readlink(byte[] path, byte[] buf, long size);

    /** The target of a symbolic link through libc {@code readlink} (no Path objects); errors as {@link #error}. */
    static String readlink(NativeFiles.Reader r, String link) throws IOException {
        byte[] target = r.linkBuf;
        long n = readlink(r.cString(link), target, target.length);
        if (n < 0) {
            throw error(Native.getLastError(), link);
        }
        return new String(target, 0, (int) n, StandardCharsets.UTF_8);
    }

    private NativeFiles() {
    }

    /** A native staging buffer and a path buffer for one reading thread. */
    static final class Reader {
        private Memory mem = new Memory(16 << 10);
        private byte[] path = new byte[256];
        private final byte[] linkBuf = new byte[4096];

        /** Reads the whole file (at most {@code cap} bytes) into {@code target} and returns its length. */
        int readAll(String file, FileBytes target, int cap) throws IOException {
            int fd = open(cString(file), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw error(Native.getLastError(), file);
            }
            try {
                int total = 0;
                while (true) {
                    long room = Math.min(mem.size(), cap) - total;
                    if (room == 0) {
                        if (total >= cap) {
                            // one more byte would be past the cap: is the file really larger?
                            Memory probe = new Memory(1);
                            long r = read(fd, probe, 1);
                            if (r <= 0) {
                                break;
                            }
                            throw new FileTooLargeException(file, cap);
                        }
                        Memory bigger = new Memory(Math.min(cap, mem.size() * 2));
                        bigger.write(0, mem.getByteArray(0, total), 0, total);
                        mem = bigger;
                        room = mem.size() - total;
                    }
                    long r = read(fd, mem.share(total), room);
                    if (r < 0) {
                        int errno = Native.getLastError();
                        if (errno == EINTR) {
                            continue;
                        }
                        throw error(errno, file);
                    }
                    if (r == 0) {
                        break;
                    }
                    total += (int) r;
                    if (r < SURE_EOF && r < room) {
                        break;
                    }
                }
                target.fill(mem, total);
                return total;
            } finally {
                close(fd);
            }
        }

        private byte[] cString(String s) {
            int n = s.length();
            if (n + 1 > path.length) {
                path = new byte[Math.max(n + 1, path.length * 2)];
            }
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80 || c == 0) {
                    ascii = false;
                    break;
                }
                path[i] = (byte) c;
            }
            if (ascii) {
                path[n] = 0;
                return path;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[utf8.length + 1];
            System.arraycopy(utf8, 0, z, 0, utf8.length);
            return z;
        }
    }

    static IOException error(int errno, String file) {
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(file);
            case ESRCH -> new IOException("No such process: " + file);
            case EACCES, EPERM -> new AccessDeniedException(file);
            default -> new IOException("errno " + errno + " reading " + file);
        };
    }
}
