package dev.nscope.scan;

/**
 * The PID 1 of a container's own pid namespace.
 *
 * @param hostPid        its pid in the scanned procfs
 * @param exe            the executable, null without the rights to read it
 * @param initKind       what kind of init it is (tini, shell, …), null until judged
 * @param catchesSigterm whether the stop signal reaches it, null when it cannot be told
 * @param children       its live (non-zombie) children
 */
public record Pid1Info(int hostPid, String comm, String exe, String initKind, Boolean catchesSigterm, int children) {
}
