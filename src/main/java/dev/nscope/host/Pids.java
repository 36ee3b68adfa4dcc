package dev.nscope.host;

/** Process-id helpers: procfs directory names that are pids. */
public final class Pids {
    private Pids() {
    }

    /** The pid a procfs entry name stands for, or -1 when the name is not a positive decimal pid. */
    public static int parse(String name) {
        int n = name.length();
        if (n == 0 || n > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > 0 && v <= Integer.MAX_VALUE ? (int) v : -1;
    }
}
