package dev.nscope.scan;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.FileBytes;
import dev.nscope.host.FileSizes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.KernelErrors;
import dev.nscope.proc.ProcLimits;

import java.io.File;
import java.io.IOException;

/**
 * A container process's open files: how many descriptors it holds, and its soft {@code RLIMIT_NOFILE}.
 * The count is the size {@code stat} gives {@code /proc/<pid>/fd} on kernels that report it (6.2+), read
 * whenever the process's {@code stat} is (it can change only while it runs); on older kernels the directory
 * is counted on the slow rotation. {@code /proc/<pid>/limits} is read once per identity and on the slow
 * rotation ({@link PassMemory}). What cannot be read (no ptrace rights, a capture without the files) is
 * unknown, not counted: the namespace links of the same processes say so already.
 */
final class ProcessFiles {
    private final HostPaths paths;
    private final PassMemory memory;
    private final FileSizes sizes = new FileSizes();
    private final FileBytes buf = new FileBytes(2048, 64 << 10);
    private boolean sizeIsCount;

    ProcessFiles(HostPaths paths, PassMemory memory) {
        this.paths = paths;
        this.memory = memory;
    }

    /** Whether the kernel reports the open descriptors as the size of {@code /proc/<pid>/fd} (6.2+). */
    void kernel(String release) {
        sizeIsCount = atLeast(release, 6, 2);
    }

    static boolean atLeast(String release, int major, int minor) {
        if (release == null) {
            return false;
        }
        String[] v = release.split("[.-]", 3);
        try {
            int ma = Integer.parseInt(v[0]);
            int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Reads what is due of {@code p}'s open files; {@code identity}: it is new, or it has exec'd. */
    void read(ProcessInfo p, boolean identity, ErrorCounts errors) {
        long pass = memory.pass();
        if (sizeIsCount || identity || memory.processLimitsDue(p.pid, p.fdsReadPass)) {
            p.fds = count(p.pid);
            p.fdsReadPass = pass;
        }
        if (identity || memory.processLimitsDue(p.pid, p.limitsReadPass)) {
            p.openFilesLimit = limit(p.pid, errors);
            p.limitsReadPass = pass;
        }
    }

    private long count(int pid) {
        String dir = paths.pidFile(pid, "fd");
        if (sizeIsCount) {
            try {
                return sizes.size(dir);
            } catch (IOException e) {
                return -1;
            }
        }
        String[] fds = new File(dir).list();
        return fds == null ? -1 : fds.length;
    }

    private long limit(int pid, ErrorCounts errors) {
        try {
            buf.read(paths.pidFile(pid, "limits"));
            return ProcLimits.openFilesSoft(buf.data(), buf.length());
        } catch (IOException e) {
            if (KernelErrors.classify(e) == ErrorKind.MALFORMED) {
                errors.count(e);
            }
            return -1;
        }
    }
}
