package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/wchan}: the kernel symbol the task sleeps in, without a newline
 * ({@code do_sigtimedwait.isra.0}, {@code signalfd_read_iter}, {@code do_wait}). The kernel prints
 * {@code 0} when the task is running, when the symbol is unknown, and when the reader lacks ptrace
 * read rights (Linux 4.4+ hides it then), so {@code 0} means "unknown", never "not waiting".
 * Needs {@code CONFIG_KALLSYMS}; symbol names are identifiers with the compiler's {@code .isra.0},
 * {@code .constprop.0}, {@code .cold} suffixes.
 */
public final class ProcWchan {
    private ProcWchan() {
    }

    /** The symbol, or null for {@code 0} (running, or not permitted). */
    public static String parse(byte[] b, int len) throws MalformedFileException {
        int end = len;
        if (end > 0 && b[end - 1] == '\n') {
            end--;
        }
        if (end == 0) {
            throw new MalformedFileException("wchan: empty");
        }
        if (end > 256) {
            throw new MalformedFileException("wchan: longer than a kernel symbol");
        }
        if (Ascii.equals(b, 0, end, "0")) {
            return null;
        }
        for (int i = 0; i < end; i++) {
            int c = b[i];
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '$';
            if (!ok) {
                throw new MalformedFileException("wchan: not a symbol name");
            }
        }
        return Ascii.string(b, 0, end);
    }

    /** True when the symbol shows a wait in {@code sigtimedwait}/{@code sigwaitinfo}/{@code sigwait}. */
    public static boolean isSigtimedwait(String symbol) {
        return symbol != null && symbol.contains("sigtimedwait");
    }
}
