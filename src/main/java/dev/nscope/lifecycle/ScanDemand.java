package dev.nscope.lifecycle;

import java.util.HashMap;
import java.util.Map;

/**
 * When the process events call for a scan: at once after a PID 1's exit or dropped events; for an exec of a process
 * no container holds, once that process has lived {@link #SURVIVAL_NANOS}. A container's PID 1 does, while a shell
 * loop or a build execs thousands of processes gone within milliseconds, which no scan could have seen and none
 * needs to. Not thread-safe: the lifecycle holds its lock around every call.
 */
final class ScanDemand {
    /** How long a process that exec'd, held by no container, must live before a scan is due for it. */
    static final long SURVIVAL_NANOS = 200_000_000L;
    /** The most such execs kept waiting; past that a scan is due at once (and they are forgotten). */
    static final int WAITING_MAX = 4096;

    /** Processes no container held that exec'd since the last scan began and have not exited: when each exec came. */
    private final Map<Integer, Long> waiting = new HashMap<>();
    private boolean atOnce;

    void exec(int tgid, long nanos) {
        if (waiting.size() >= WAITING_MAX) {
            waiting.clear();
            atOnce = true;
        } else {
            waiting.putIfAbsent(tgid, nanos);
        }
    }

    void exited(int tgid) {
        waiting.remove(tgid);
    }

    void atOnce() {
        atOnce = true;
    }

    /** A scan began at {@code nanos}: it sees what the execs before became. */
    void scanBegan(long nanos) {
        waiting.values().removeIf(at -> at < nanos);
    }

    /**
     * 0 when a scan is due now (and the reason is spent), above 0 the nanoseconds until the youngest waiting exec
     * will have lived long enough, below 0 when none is wanted (all of them exited).
     */
    long due(long nowNanos) {
        if (atOnce) {
            atOnce = false;
            return 0;
        }
        long wait = -1;
        for (long at : waiting.values()) {
            long left = SURVIVAL_NANOS - (nowNanos - at);
            if (left <= 0) {
                return 0;
            }
            wait = wait < 0 ? left : Math.min(wait, left);
        }
        return wait;
    }
}
