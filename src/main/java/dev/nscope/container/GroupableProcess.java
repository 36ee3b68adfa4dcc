package dev.nscope.container;

import dev.nscope.proc.Namespaces;

/** What grouping needs to know of a process. */
public interface GroupableProcess {
    int pid();

    /** Start time in ticks after boot: with the pid, the process's identity. */
    long startTime();

    /** The NSpid chain, outermost first; null when unknown. */
    int[] nsPid();

    Namespaces namespaces();

    /** The runtime claim on its cgroup, or null. */
    CgroupClaim claim();
}
