package dev.nscope.pid1;

import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcessIdentity;
import dev.nscope.proc.ProcSyscall;

import java.util.List;

/**
 * What one look at a container's PID 1 saw: plain data the scanner fills (see {@link Pid1Reader} for
 * the files of PID 1 itself), the input of {@link Pid1Analyzer#analyze}. Any field read from a file
 * may be null when the file could not be read (no ptrace rights, the process vanished).
 *
 * @param pid         PID 1's pid in the scanned procfs
 * @param startTime   its start time (stat field 22): with the pid, its identity
 * @param comm        its comm (from stat)
 * @param exe         the target of {@code /proc/<pid>/exe}, null when unreadable
 * @param argv        {@code /proc/<pid>/cmdline}, empty when unreadable
 * @param status      {@code /proc/<pid>/status} of this look (the masks change: read it every look), null when unreadable
 * @param syscall     {@code /proc/<pid>/syscall}, null when unreadable (needs ptrace attach rights)
 * @param wchan       {@code /proc/<pid>/wchan}, null when unreadable or {@code 0}
 * @param stopSignal  the signal the runtime stops it with: {@link Signals#stopSignalOrTerm} of the metadata's
 * @param children    PID 1's direct children in the container, zombies included (their stat)
 * @param otherZombies zombies in the container whose parent is not PID 1 (a leak in the application)
 * @param pidsMax     the cgroup's {@code pids.max}, null when unlimited or unknown
 * @param pidsCurrent the cgroup's {@code pids.current}, null when unknown
 */
public record Pid1Facts(int pid, long startTime, String comm, String exe, List<String> argv,
                        ProcStatus status, ProcSyscall syscall, String wchan, int stopSignal,
                        List<Child> children, int otherZombies, Long pidsMax, Long pidsCurrent) {

    public Pid1Facts {
        argv = argv == null ? List.of() : List.copyOf(argv);
        children = children == null ? List.of() : List.copyOf(children);
        if (stopSignal < 1 || stopSignal > Signals.MAX) {
            throw new IllegalArgumentException("stop signal " + stopSignal);
        }
    }

    /**
     * A direct child of PID 1, from its stat.
     *
     * @param state   stat's state letter
     * @param threads stat's num_threads: a {@code Z} with more than one thread is a process whose main
     *                thread exited while others run, not a zombie
     */
    public record Child(int pid, long startTime, String comm, char state, int threads) {
        public boolean isZombie() {
            return Pid1Facts.isZombie(state, threads);
        }
    }

    /** Its pid and start time. */
    public ProcessIdentity identity() {
        return new ProcessIdentity(pid, startTime);
    }

    /** A zombie: state Z with at most one thread (Z with live threads is a running process). */
    public static boolean isZombie(char state, int threads) {
        return state == 'Z' && threads <= 1;
    }

    /** The same facts with other cgroup numbers (for a caller that reads pids.* after the process files). */
    public Pid1Facts withPids(Long max, Long current) {
        return new Pid1Facts(pid, startTime, comm, exe, argv, status, syscall, wchan, stopSignal, children,
                otherZombies, max, current);
    }

    /** The same facts with the container's children and zombie count. */
    public Pid1Facts withChildren(List<Child> kids, int others) {
        return new Pid1Facts(pid, startTime, comm, exe, argv, status, syscall, wchan, stopSignal, kids,
                others, pidsMax, pidsCurrent);
    }
}
