package dev.nscope.lifecycle;

import java.time.Instant;

/** A PID 1's exit as its event told it: the process, its name, when, and how it ended. */
record Pid1Exit(int pid, String comm, Instant time, StopOutcome outcome) {
}
