package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/stat}: one line, {@code pid (comm) state ppid pgrp session tty_nr tpgid flags
 * minflt cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue
 * starttime vsize rss …} (proc(5)). {@code comm} may hold any bytes, spaces and parentheses included:
 * it lies between the first '(' and the <em>last</em> ')'. Times are in clock ticks; {@code rss} in
 * pages. Fields after {@code rss} (more on newer kernels) are ignored.
 *
 * @param flags     the task's PF_* flags; {@link #PF_KTHREAD} marks a kernel thread
 * @param startTime ticks after boot; with the pid it identifies a process (pids are reused)
 */
public record ProcStat(int pid, String comm, char state, int ppid, int pgrp, int session, long flags,
                       long utime, long stime, int numThreads, long startTime, long vsize, long rss) {

    /** PF_KTHREAD in include/linux/sched.h. */
    public static final long PF_KTHREAD = 0x00200000L;

    /** The number of fields after the comm that this parser needs (state … rss: fields 3 to 24). */
    private static final int FIELDS_NEEDED = 22;

    public boolean isKernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    public boolean isZombie() {
        return state == 'Z';
    }

    /** Parses the content of a stat file. */
    public static ProcStat parse(byte[] b, int len) throws MalformedFileException {
        int open = Ascii.indexOf(b, 0, len, (byte) '(');
        int close = Ascii.lastIndexOf(b, 0, len, (byte) ')');
        if (open <= 0 || close < open) {
            throw new MalformedFileException("stat: no (comm)");
        }
        long pid = Ascii.parseLong(b, 0, Ascii.tokenEnd(b, 0, open));
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new MalformedFileException("stat: bad pid");
        }
        String comm = Ascii.string(b, open + 1, close);
        // fields 3.. after ") "
        long[] f = new long[FIELDS_NEEDED];
        char state = 0;
        int i = close + 1;
        int end = Ascii.lineEnd(b, i, len);
        for (int k = 0; k < FIELDS_NEEDED; k++) {
            i = Ascii.skipSpaces(b, i, end);
            int t = Ascii.tokenEnd(b, i, end);
            if (i >= t) {
                throw new MalformedFileException("stat: " + (k + 3) + " fields missing");
            }
            if (k == 0) {
                if (t - i != 1) {
                    throw new MalformedFileException("stat: bad state");
                }
                state = (char) (b[i] & 0xff);
            } else {
                long v = Ascii.parseLong(b, i, t);
                if (v == Ascii.NOT_A_NUMBER) {
                    // u64 fields such as flags and vsize never exceed Long.MAX_VALUE in practice
                    v = Ascii.parseCounter(b, i, t);
                    if (v == Ascii.NOT_A_NUMBER) {
                        throw new MalformedFileException("stat: field " + (k + 3) + " is not a number");
                    }
                }
                f[k] = v;
            }
            i = t;
        }
        // f index = field number - 3
        return new ProcStat((int) pid, comm, state, (int) f[1], (int) f[2], (int) f[3], f[6],
                f[11], f[12], (int) f[17], f[19], f[20], f[21]);
    }
}
