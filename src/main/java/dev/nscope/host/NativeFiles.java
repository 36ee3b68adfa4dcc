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
 *
 * <p>{@link Reader#readUntrusted} is the one safe open for files a user may place or name (runtime
 * metadata, the web config): {@code O_NONBLOCK|O_NOCTTY} and, for runtime metadata, {@code O_NOFOLLOW};
 * then {@code statx} on the opened descriptor (not the path, so nothing can be swapped in between) must
 * show a regular file within the cap, owned by the given uid when one is given. A FIFO opens at once
 * without a writer and is refused unread; a symbolic link as the last component fails an
 * {@code O_NOFOLLOW} open ({@code ELOOP}). Earlier components are resolved as usual.
 */
final class NativeFiles {
    static final boolean AVAILABLE;
    /** A read that returns less than this has returned the whole content (records are far shorter than a page). */
    static final int SURE_EOF = 2048;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_NOCTTY = 0x100;
    /** asm-generic and x86 value; arm, aarch64 and powerpc define their own. */
    private static final int O_NOFOLLOW = Platform.isARM() || Platform.isPPC() ? 0x8000 : 0x20000;
    private static final int ELOOP = 40;
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
            return readAndClose(fd, file, target, cap);
        }

        /**
         * The same for a file a user may place: not followed if a symbolic link (unless {@code followLink}),
         * never blocking, only a regular file of at most {@code cap} bytes, owned by {@code owner} unless
         * that is negative.
         */
        int readUntrusted(String file, FileBytes target, int cap, long owner, boolean followLink) throws IOException {
            int fd = open(cString(file), O_RDONLY_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followLink ? 0 : O_NOFOLLOW));
            if (fd < 0) {
                int errno = Native.getLastError();
                if (errno == ELOOP) {
                    throw new UnsafeFileException(file, "a symbolic link (not followed)", ErrorKind.IO);
                }
                throw error(errno, file);
            }
            try {
                Stat.check(fd, file, cap, owner);
            } catch (IOException | RuntimeException e) {
                close(fd);
                throw e;
            }
            return readAndClose(fd, file, target, cap);
        }

        private int readAndClose(int fd, String file, FileBytes target, int cap) throws IOException {
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

    /** {@code statx} on an open descriptor (glibc 2.28+): registered apart so that its absence leaves plain reads native. */
    static final class Stat {
        static final boolean AVAILABLE;
        private static final int AT_EMPTY_PATH = 0x1000;
        private static final int STATX_TYPE_MODE_UID_SIZE = 0x1 | 0x2 | 0x8 | 0x200;
        private static final byte[] EMPTY = {0};
        private static final int S_IFMT = 0xf000;
        private static final int S_IFREG = 0x8000;

        static {
            boolean ok = false;
            try {
                if (NativeFiles.AVAILABLE) {
                    Native.register(Stat.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                    ok = true;
                }
            } catch (LinkageError | RuntimeException e) {
                ok = false;
            }
            AVAILABLE = ok;
        }

        private Stat() {
        }

        private static native int statx(int dirfd, byte[] path, int flags, int mask, Pointer buf);

        /** Refuses the open file unless it is regular, at most {@code cap} bytes, and owned by {@code owner} (when not negative). */
        static void check(int fd, String file, int cap, long owner) throws IOException {
            // struct statx (include/uapi/linux/stat.h), the same on every architecture: 256 bytes
            try (Memory st = new Memory(256)) {
                if (statx(fd, EMPTY, AT_EMPTY_PATH, STATX_TYPE_MODE_UID_SIZE, st) != 0) {
                    throw error(Native.getLastError(), file);
                }
                int mode = st.getShort(28) & 0xffff;
                if ((mode & S_IFMT) != S_IFREG) {
                    throw new UnsafeFileException(file, "not a regular file (" + kind(mode & S_IFMT) + ")", ErrorKind.IO);
                }
                long uid = st.getInt(20) & 0xffffffffL;
                if (owner >= 0 && uid != owner) {
                    throw new UnsafeFileException(file, "owned by uid " + uid + ", not " + owner, ErrorKind.PERMISSION);
                }
                if (st.getLong(40) > cap) {
                    throw new FileTooLargeException(file, cap);
                }
            }
        }

        private static final int AT_FDCWD = -100;
        private static final int STATX_SIZE = 0x200;

        /** The size {@code stat} reports for {@code path} (a /proc/&lt;pid&gt;/fd directory reports its open descriptors), into {@code st}. */
        static long size(String path, Memory st) throws IOException {
            if (statx(AT_FDCWD, cString(path), 0, STATX_SIZE, st) != 0) {
                throw error(Native.getLastError(), path);
            }
            return st.getLong(40);
        }

        private static byte[] cString(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return java.util.Arrays.copyOf(b, b.length + 1);
        }

        static String kind(int type) {
            return switch (type) {
                case 0x1000 -> "a FIFO";
                case 0x2000 -> "a character device";
                case 0x4000 -> "a directory";
                case 0x6000 -> "a block device";
                case 0xa000 -> "a symbolic link";
                case 0xc000 -> "a socket";
                default -> "type " + Integer.toOctalString(type);
            };
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
