package dev.nscope.scan;

/**
 * One process of a container, for the detail view.
 *
 * @param nsPid its pid inside its own pid namespace
 */
public record ProcessEntry(int pid, int nsPid, int ppid, char state, String comm, int threads, long startTime) {
}
