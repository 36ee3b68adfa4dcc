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

    /** The parent's pid (0 for none). */
    int ppid();

    /**
     * True for a zombie. A zombie has left its cgroup (its {@code cgroup} file shows the root) and its
     * namespaces (links are gone), so it is placed with the parent that has to reap it.
     */
    boolean zombie();
}
