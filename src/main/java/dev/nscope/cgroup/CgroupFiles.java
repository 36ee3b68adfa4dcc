package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.KernelErrors;
import dev.nscope.host.MalformedFileException;

import java.io.File;
import java.io.IOException;

/**
 * Reads one cgroup file at a time into a reusable buffer and hands it to a parser, sorting failures the
 * way the stats need: a file the kernel does not have is just absent (null, not counted); a cgroup
 * directory that disappeared marks the current part as vanished (not counted: the container is gone);
 * a malformed file, a refused read or any other I/O failure is counted and gives null. Not thread-safe.
 */
final class CgroupFiles {
    /** A pure parser over a file's bytes. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] b, int len) throws MalformedFileException;
    }

    private final FileBytes buf = new FileBytes();
    private ErrorCounts errors;
    private boolean vanished;

    /** Starts a call: failures go to {@code errors}. */
    void begin(ErrorCounts errors) {
        this.errors = errors;
    }

    /** Starts a part (cpu, memory …): forgets an earlier part's vanished cgroup. */
    void startPart() {
        vanished = false;
    }

    /** True when a cgroup directory read since {@link #startPart()} is gone. */
    boolean vanished() {
        return vanished;
    }

    /** The parsed content of {@code dir/name}, or null (see the class comment). Null {@code dir}: null. */
    <T> T read(String dir, String name, Parser<T> parser) {
        if (dir == null) {
            return null;
        }
        try {
            buf.read(dir + '/' + name);
        } catch (IOException e) {
            if (gone(dir)) {
                vanished = true;
            } else if (!KernelErrors.isAbsent(e) && !unsupported(e)) {
                errors.count(e);
            }
            return null;
        }
        try {
            return parser.parse(buf.data(), buf.length());
        } catch (MalformedFileException e) {
            if (gone(dir)) {
                vanished = true; // removed while read: the kernel returned nothing
            } else {
                errors.count(e);
            }
            return null;
        }
    }

    private static boolean gone(String dir) {
        return !new File(dir).isDirectory();
    }

    /** EOPNOTSUPP: PSI files of a kernel booted with {@code psi=0}, which the kernel does not offer. */
    private static boolean unsupported(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Operation not supported");
    }
}
