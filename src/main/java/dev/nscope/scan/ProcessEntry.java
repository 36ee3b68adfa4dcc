package dev.nscope.scan;

import java.util.List;

/**
 * One process of a container, for the detail view.
 *
 * @param nsPid   its pid inside its own pid namespace
 * @param cmdline its arguments ({@link ScanOptions#commandLines()} only; null when off or unreadable)
 */
public record ProcessEntry(int pid, int nsPid, int ppid, char state, String comm, int threads, long startTime,
                           List<String> cmdline) {

    public ProcessEntry(int pid, int nsPid, int ppid, char state, String comm, int threads, long startTime) {
        this(pid, nsPid, ppid, state, comm, threads, startTime, null);
    }
}
