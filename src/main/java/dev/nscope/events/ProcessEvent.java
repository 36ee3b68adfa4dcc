package dev.nscope.events;

/**
 * One event of the kernel's process events connector ({@code struct proc_event}, include/uapi/linux/cn_proc.h)
 * that nscope uses: a fork, an exec or an exit. Pids are the host's (the connector reports in the initial pid
 * namespace). A thread's fork or exit is an event too: {@code pid != tgid}.
 *
 * @param type       what happened
 * @param pid        FORK: the child's pid (thread id); EXEC, EXIT: the process's (or thread's) pid
 * @param tgid       FORK: the child's thread group id; EXEC, EXIT: the process's
 * @param parentPid  FORK: the parent's pid; 0 otherwise
 * @param parentTgid FORK: the parent's thread group id; 0 otherwise
 * @param exitStatus EXIT: the raw wait status (the kernel's {@code exit_code}: code &lt;&lt; 8, or the signal, 0x80 for a core
 *                   dump); 0 otherwise
 * @param nanos      {@link System#nanoTime()} when the event was received
 */
public record ProcessEvent(Type type, int pid, int tgid, int parentPid, int parentTgid, int exitStatus, long nanos) {

    public enum Type { FORK, EXEC, EXIT }

    public static ProcessEvent fork(int childPid, int childTgid, int parentPid, int parentTgid, long nanos) {
        return new ProcessEvent(Type.FORK, childPid, childTgid, parentPid, parentTgid, 0, nanos);
    }

    public static ProcessEvent exec(int pid, int tgid, long nanos) {
        return new ProcessEvent(Type.EXEC, pid, tgid, 0, 0, 0, nanos);
    }

    public static ProcessEvent exit(int pid, int tgid, int exitStatus, long nanos) {
        return new ProcessEvent(Type.EXIT, pid, tgid, 0, 0, exitStatus, nanos);
    }

    /** An EXIT by exit(2) or a return from main (WIFEXITED). */
    public boolean exited() {
        return type == Type.EXIT && (exitStatus & 0x7f) == 0;
    }

    /** The exit code (WEXITSTATUS) of an EXIT that {@link #exited()}; -1 otherwise. */
    public int exitCode() {
        return exited() ? (exitStatus >> 8) & 0xff : -1;
    }

    /** The signal (WTERMSIG) of an EXIT by a signal; 0 otherwise. */
    public int signal() {
        int sig = exitStatus & 0x7f;
        return type == Type.EXIT && sig != 0 && sig != 0x7f ? sig : 0;
    }

    /** Whether the process was a whole process (its main thread), not another thread of it. */
    public boolean mainThread() {
        return pid == tgid;
    }
}
