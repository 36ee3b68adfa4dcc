package dev.nscope.pid1;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.KernelErrors;
import dev.nscope.proc.ProcCmdline;
import dev.nscope.proc.ProcStat;
import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcSyscall;
import dev.nscope.proc.ProcWchan;

import java.io.IOException;
import java.util.List;

/**
 * Reads the files of a container's PID 1 for one look: {@code status} (the signal masks change, so
 * every look), {@code syscall} and {@code wchan} (the wait; both need ptrace rights, and without them
 * come back null), and {@code cmdline} (argv; changes only with exec, so the caller hands in the last
 * look's argv while the identity and command are the same). {@code syscall} and {@code wchan} are read only when the masks leave the answer open: a stop
 * signal that is blocked or has a handler reaches PID 1 whether it waits or not. {@code stat} and
 * {@code exe} the scanner has already. A file that cannot be read leaves its field null; failures are counted, except
 * a missing {@code syscall}, {@code wchan} or {@code cmdline} (a kernel or capture without them).
 * Never throws. Not thread-safe (one buffer): one per scanning thread.
 */
public final class Pid1Reader {
    private final HostPaths paths;
    private final FileBytes buf = new FileBytes(1024, 64 << 10);
    private int waitDenied;

    /** Starts a scan pass: the count of refused waits starts at 0. */
    public void beginPass() {
        waitDenied = 0;
    }

    /** PID 1s of this pass whose wait ({@code syscall}) could not be read for lack of ptrace rights. */
    public int waitDenied() {
        return waitDenied;
    }

    public Pid1Reader(HostPaths paths) {
        this.paths = paths;
    }

    /**
     * The facts of PID 1's own files, without children or pids numbers: add them with
     * {@link Pid1Facts#withChildren} and {@link Pid1Facts#withPids}.
     *
     * @param exe        the target of its {@code exe} link as the scanner read it, null when unreadable
     * @param stopSignal {@link Signals#stopSignalOrTerm} of the runtime metadata's stop signal
     */
    public Pid1Facts read(int pid, long startTime, String comm, String exe, int stopSignal, ErrorCounts errors) {
        return read(pid, startTime, comm, exe, stopSignal, null, null, errors);
    }

    /**
     * As {@link #read(int, long, String, String, int, ErrorCounts)}, with PID 1's {@code status} as the scanner
     * parsed it in this same pass (null: read it here), so that a pass reads no file twice, and its argv as
     * the last look read it when the identity and command are the same (null: read {@code cmdline}).
     */
    public Pid1Facts read(int pid, long startTime, String comm, String exe, int stopSignal, ProcStatus statusOfPass,
                          List<String> knownArgv, ErrorCounts errors) {
        ProcStatus status = statusOfPass;
        if (status == null) {
            try {
                buf.read(paths.pidFile(pid, "status"));
                status = ProcStatus.parse(buf.data(), buf.length());
            } catch (IOException e) {
                errors.count(e);
            }
        }
        ProcSyscall syscall = null;
        String wchan = null;
        boolean settledByMasks = status != null
                && (Signals.has(status.sigBlk(), stopSignal) || Signals.has(status.sigCgt(), stopSignal));
        if (!settledByMasks) {
            try {
                buf.read(paths.pidFile(pid, "syscall"));
                syscall = ProcSyscall.parse(buf.data(), buf.length());
            } catch (IOException e) {
                if (KernelErrors.classify(e) == ErrorKind.PERMISSION) {
                    waitDenied++;
                }
                countUnlessAbsent(e, errors);
            }
            try {
                buf.read(paths.pidFile(pid, "wchan"));
                wchan = ProcWchan.parse(buf.data(), buf.length());
            } catch (IOException e) {
                countUnlessAbsent(e, errors);
            }
        }
        List<String> argv = knownArgv;
        if (argv == null) {
            argv = List.of();
            try {
                buf.read(paths.pidFile(pid, "cmdline"));
                argv = ProcCmdline.parse(buf.data(), buf.length());
            } catch (IOException e) {
                countUnlessAbsent(e, errors);
            }
        }
        return new Pid1Facts(pid, startTime, comm, exe, argv, status, syscall, wchan, stopSignal, List.of(), 0, null, null);
    }

    /** A child of PID 1 from its stat. */
    public static Pid1Facts.Child child(ProcStat s) {
        return new Pid1Facts.Child(s.pid(), s.startTime(), s.comm(), s.state(), s.numThreads());
    }

    private static void countUnlessAbsent(IOException e, ErrorCounts errors) {
        if (KernelErrors.classify(e) != ErrorKind.VANISHED) {
            errors.count(e);
        }
    }
}
