package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/syscall} (Linux 2.6.27+, {@code CONFIG_HAVE_ARCH_TRACEHOOK}): what the task is
 * blocked in, as {@code fs/proc/base.c} prints it. One line, one of:
 * <ul>
 * <li>{@code nr 0xarg1 … 0xarg6 0xsp 0xpc}: blocked in system call {@code nr} (numbers are per
 * architecture: {@code rt_sigtimedwait} is 128 on x86_64, 137 on aarch64);</li>
 * <li>{@code -1 0xsp 0xpc}: blocked, but not in a system call (a page fault, a stop);</li>
 * <li>{@code running}: on a CPU right now.</li>
 * </ul>
 * Reading it needs ptrace attach rights over the task (EACCES/EPERM otherwise): the caller treats an
 * unreadable file as "unknown", never as "not waiting".
 *
 * @param number the system call number when {@link Kind#IN_SYSCALL}, else -1
 * @param sp     the user stack pointer, 0 when running
 * @param pc     the user program counter, 0 when running
 */
public record ProcSyscall(Kind kind, int number, long sp, long pc) {

    public enum Kind { IN_SYSCALL, NOT_IN_SYSCALL, RUNNING }

    public static final ProcSyscall RUNNING = new ProcSyscall(Kind.RUNNING, -1, 0, 0);

    /** True when blocked in the system call {@code nr}. */
    public boolean isIn(int nr) {
        return kind == Kind.IN_SYSCALL && number == nr;
    }

    /** As evidence: the number, {@code "running"} or {@code "-1"} (blocked outside a system call). */
    public String describe() {
        return switch (kind) {
            case IN_SYSCALL -> Integer.toString(number);
            case NOT_IN_SYSCALL -> "-1";
            case RUNNING -> "running";
        };
    }

    public static ProcSyscall parse(byte[] b, int len) throws MalformedFileException {
        int end = Ascii.lineEnd(b, 0, len);
        if (end < len - 1 || (end == len - 1 && b[end] != '\n')) {
            throw new MalformedFileException("syscall: more than one line");
        }
        int i = Ascii.skipSpaces(b, 0, end);
        int t = Ascii.tokenEnd(b, i, end);
        if (i >= t) {
            throw new MalformedFileException("syscall: empty");
        }
        if (Ascii.equals(b, i, t, "running")) {
            if (Ascii.skipSpaces(b, t, end) != end) {
                throw new MalformedFileException("syscall: junk after running");
            }
            return RUNNING;
        }
        long nr = Ascii.parseLong(b, i, t);
        if (nr == Ascii.NOT_A_NUMBER || nr < -1 || nr > Integer.MAX_VALUE) {
            throw new MalformedFileException("syscall: bad number");
        }
        int words = nr < 0 ? 2 : 8;
        long[] v = new long[words];
        for (int k = 0; k < words; k++) {
            i = Ascii.skipSpaces(b, t, end);
            t = Ascii.tokenEnd(b, i, end);
            if (t - i < 3 || b[i] != '0' || b[i + 1] != 'x') {
                throw new MalformedFileException("syscall: expected " + words + " hex words after the number");
            }
            v[k] = Ascii.parseHex(b, i + 2, t);
            if (v[k] == Ascii.NOT_A_NUMBER && !(t - i - 2 == 16 && allHex(b, i + 2, t))) {
                throw new MalformedFileException("syscall: bad hex word");
            }
        }
        if (Ascii.skipSpaces(b, t, end) != end) {
            throw new MalformedFileException("syscall: too many words");
        }
        return nr < 0 ? new ProcSyscall(Kind.NOT_IN_SYSCALL, -1, v[0], v[1])
                : new ProcSyscall(Kind.IN_SYSCALL, (int) nr, v[6], v[7]);
    }

    /** parseHex reports 0x8000000000000000 as NOT_A_NUMBER (it is Long.MIN_VALUE): accept it. */
    private static boolean allHex(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
