package dev.nscope.proc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/<pid>/cmdline}: the argument vector, each argument followed by a NUL. Empty for kernel
 * threads and zombies. A process may overwrite its arguments (setproctitle), so the content is any
 * bytes: the parser never fails; a last argument without its NUL is kept; invalid UTF-8 is replaced.
 */
public final class ProcCmdline {
    /** nscope needs argv[0] and the first arguments (an interpreter's script); the rest is dropped. */
    public static final int MAX_ARGS = 32;

    private ProcCmdline() {
    }

    /** The first {@link #MAX_ARGS} arguments. */
    public static List<String> parse(byte[] b, int len) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len && out.size() < MAX_ARGS; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < len && out.size() < MAX_ARGS) {
            out.add(new String(b, start, len - start, StandardCharsets.UTF_8));
        }
        return List.copyOf(out);
    }
}
