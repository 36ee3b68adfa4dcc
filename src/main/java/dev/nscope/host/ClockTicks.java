package dev.nscope.host;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;

/**
 * The kernel's USER_HZ (the unit of {@code /proc/<pid>/stat} times and of v1 {@code cpuacct.stat}) and
 * the page size, asked of libc's {@code sysconf(3)} once through JNA. When JNA or libc cannot be used
 * (an unusual platform, a locked-down JVM) the Linux defaults 100 and 4096 stand in; {@link #fromLibc()}
 * says which.
 */
public final class ClockTicks {
    public static final long FALLBACK_TICKS_PER_SECOND = 100;
    public static final long FALLBACK_PAGE_SIZE = 4096;
    /** {@code _SC_CLK_TCK} and {@code _SC_PAGESIZE} in glibc's and musl's {@code <unistd.h>} on Linux. */
    static final int SC_CLK_TCK = 2;
    static final int SC_PAGESIZE = 30;

    private ClockTicks() {
    }

    interface LibC extends Library {
        NativeLong sysconf(int name);
    }

    private static final class Holder {
        static final long TICKS;
        static final long PAGE;
        static final boolean LIBC;

        static {
            long ticks = -1;
            long page = -1;
            try {
                if (Platform.isLinux()) {
                    LibC c = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
                    ticks = c.sysconf(SC_CLK_TCK).longValue();
                    page = c.sysconf(SC_PAGESIZE).longValue();
                }
            } catch (LinkageError | RuntimeException e) { // UnsatisfiedLinkError, NoClassDefFoundError …: fall back
                ticks = -1;
                page = -1;
            }
            LIBC = ticks > 0 && page > 0;
            TICKS = LIBC ? ticks : FALLBACK_TICKS_PER_SECOND;
            PAGE = LIBC ? page : FALLBACK_PAGE_SIZE;
        }
    }

    /** Clock ticks per second ({@code sysconf(_SC_CLK_TCK)}), 100 when unknown. */
    public static long perSecond() {
        return Holder.TICKS;
    }

    /** Bytes per page ({@code sysconf(_SC_PAGESIZE)}), 4096 when unknown. */
    public static long pageSize() {
        return Holder.PAGE;
    }

    /** True when the figures came from libc, false when they are the fallbacks. */
    public static boolean fromLibc() {
        return Holder.LIBC;
    }
}
