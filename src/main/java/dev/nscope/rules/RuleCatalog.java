package dev.nscope.rules;

import java.util.List;

/** Every rule id of the contract, for validating {@code nscope.rules.disabled} and documenting. */
public final class RuleCatalog {
    private RuleCatalog() {
    }

    public static final String PID1_SIGTERM_DROPPED = "pid1-sigterm-dropped";
    public static final String PID1_ZOMBIES_NOT_REAPED = "pid1-zombies-not-reaped";
    public static final String PID1_SIGNALS_NOT_FORWARDED = "pid1-signals-not-forwarded";
    public static final String MEMORY_NEAR_LIMIT = "memory-near-limit";
    public static final String PIDS_NEAR_LIMIT = "pids-near-limit";
    public static final String OOM_KILLED = "oom-killed";
    public static final String CPU_THROTTLED = "cpu-throttled";

    public static final List<String> ALL = List.of(PID1_SIGTERM_DROPPED, PID1_ZOMBIES_NOT_REAPED,
            PID1_SIGNALS_NOT_FORWARDED, "host-pid-namespace", "host-network-namespace", "host-ipc-namespace",
            "host-uts-namespace", "host-mount-namespace", "host-user-namespace", MEMORY_NEAR_LIMIT, PIDS_NEAR_LIMIT,
            OOM_KILLED, CPU_THROTTLED);
}
