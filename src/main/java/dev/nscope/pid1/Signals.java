package dev.nscope.pid1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Linux signal numbers and names, as in signal(7) for x86_64 and aarch64 (and every architecture
 * with the generic numbering; not alpha, mips, sparc or parisc).
 *
 * <p>In a {@code /proc/<pid>/status} mask, signal <i>n</i> is bit <i>n − 1</i>. Signals 32 and 33 are
 * reserved by glibc and named {@code SIG32}, {@code SIG33}; 34 to 64 are the realtime signals, named
 * as Docker and glibc number them from userspace: {@code SIGRTMIN} is 34, {@code SIGRTMIN+n} is
 * 34 + n and {@code SIGRTMAX} is 64.
 */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    /** The first realtime signal as userspace (glibc, Docker) numbers it. */
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;
    public static final int MAX = 64;

    /** Index = signal number. */
    private static final String[] NAMES = {null,
            "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
            "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
            "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signals() {
    }

    /** The name of a signal 1–64 ({@code SIGTERM}, {@code SIG32}, {@code SIGRTMIN+3}); IllegalArgumentException otherwise. */
    public static String name(int sig) {
        check(sig);
        if (sig < NAMES.length) {
            return NAMES[sig];
        }
        if (sig < SIGRTMIN) {
            return "SIG" + sig;
        }
        return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (sig - SIGRTMIN);
    }

    /** The mask bit of a signal (bit n − 1). */
    public static long bit(int sig) {
        check(sig);
        return 1L << (sig - 1);
    }

    /** True when the mask (as in /proc/<pid>/status) holds the signal. */
    public static boolean has(long mask, int sig) {
        return (mask & bit(sig)) != 0;
    }

    /** The names of the signals in a mask, lowest first: {@code 0x10002} gives {@code [SIGINT, SIGCHLD]}. */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>(Long.bitCount(mask));
        for (int sig = 1; sig <= MAX; sig++) {
            if ((mask & (1L << (sig - 1))) != 0) {
                out.add(name(sig));
            }
        }
        return out;
    }

    /** A mask as the kernel prints it in status: 16 lower-case hex digits. */
    public static String hex(long mask) {
        return String.format("%016x", mask);
    }

    /**
     * Parses a stop signal in the forms Docker ({@code Config.StopSignal}, {@code --stop-signal}) and the
     * OCI image annotation use: {@code SIGTERM}, {@code TERM}, {@code sigusr1}, {@code 15},
     * {@code SIGRTMIN+3}, {@code RTMAX-2}; aliases {@code SIGIOT}, {@code SIGCLD}, {@code SIGPOLL},
     * {@code SIGUNUSED}. Surrounding blanks are ignored.
     *
     * @return the number 1–64, or -1 when the text is not a signal
     */
    public static int parse(String text) {
        if (text == null) {
            return -1;
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) {
            return -1;
        }
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (s.length() > 2) {
                return -1;
            }
            int n = Integer.parseInt(s);
            return n >= 1 && n <= MAX ? n : -1;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].substring(3).equals(s)) {
                return i;
            }
        }
        switch (s) {
            case "IOT":
                return 6;
            case "CLD":
                return SIGCHLD;
            case "POLL":
                return 29;
            case "UNUSED":
                return 31;
            case "RTMIN":
                return SIGRTMIN;
            case "RTMAX":
                return SIGRTMAX;
            default:
                break;
        }
        if (s.startsWith("RTMIN+")) {
            int n = smallNumber(s.substring(6));
            return n >= 0 && SIGRTMIN + n <= SIGRTMAX ? SIGRTMIN + n : -1;
        }
        if (s.startsWith("RTMAX-")) {
            int n = smallNumber(s.substring(6));
            return n >= 0 && SIGRTMAX - n >= SIGRTMIN ? SIGRTMAX - n : -1;
        }
        if (s.matches("3[23]")) {
            return Integer.parseInt(s);
        }
        return -1;
    }

    /**
     * The signal a runtime stops the container with: the metadata's stop signal when it parses, else
     * SIGTERM (what Docker, containerd and CRI-O send when none is set).
     */
    public static int stopSignalOrTerm(String metadataStopSignal) {
        int n = parse(metadataStopSignal);
        return n > 0 ? n : SIGTERM;
    }

    private static int smallNumber(String s) {
        if (s.isEmpty() || s.length() > 2 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(s);
    }

    private static void check(int sig) {
        if (sig < 1 || sig > MAX) {
            throw new IllegalArgumentException("not a signal number: " + sig);
        }
    }
}
