package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.KernelErrors;
import dev.nscope.host.MalformedFileException;

import java.io.IOException;

/**
 * Reads one cgroup file at a time into a reusable buffer and hands it to a parser, sorting failures the
 * way the stats need: a file the cgroup does not have is just absent (null, not counted, and remembered
 * in the container's {@link CgroupMemory} so that it is not tried every pass); a cgroup directory that
 * disappeared marks the current part as vanished (not counted: the container is gone, and its memory
 * with it); a malformed file, a refused read or any other I/O failure is counted and gives null. What a
 * file lacks is a fact about one cgroup (a controller its parent does not enable for it, or a kernel
 * without the file), so one container's lacking file never hides another's. Not thread-safe.
 */
final class CgroupFiles {
    /** A pure parser over a file's bytes. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] b, int len) throws MalformedFileException;
    }

    private final FileBytes buf = new FileBytes();
    private ErrorCounts errors;
    private CgroupMemory memory;
    private boolean vanished;

    /** Starts a call: failures go to {@code errors}; {@code memory} is the container's (null: one-off, nothing kept). */
    void begin(ErrorCounts errors, CgroupMemory memory) {
        this.errors = errors;
        this.memory = memory;
    }

    /** The pass of the container's memory (0 without one). */
    long pass() {
        return memory == null ? 0 : memory.pass();
    }

    CgroupMemory memory() {
        return memory;
    }

    /**
     * Like {@link #read}, for a value that changes only when someone changes it (a limit): the value read
     * last time, unless the memory says the limits are due.
     */
    <T> T readSlow(String dir, String name, Parser<T> parser) {
        if (dir == null) {
            return null;
        }
        CgroupMemory.File f = new CgroupMemory.File(dir, name);
        if (memory != null && !memory.readLimits() && memory.limits.containsKey(f)) {
            @SuppressWarnings("unchecked")
            T v = (T) memory.limits.get(f);
            return v;
        }
        T v = read(dir, name, parser);
        if (memory != null && !vanished) {
            memory.limits.put(f, v);
        }
        return v;
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
        if (dir == null || memory != null && !memory.lacking.isEmpty() && memory.lacking.contains(new CgroupMemory.File(dir, name))) {
            return null;
        }
        try {
            buf.read(dir + '/' + name);
        } catch (IOException e) {
            if (gone(dir)) {
                vanished = true;
            } else if (KernelErrors.isAbsent(e) || unsupported(e)) {
                if (memory != null) {
                    memory.lacks(new CgroupMemory.File(dir, name));
                }
            } else {
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
        return !new java.io.File(dir).isDirectory();
    }

    /** EOPNOTSUPP: PSI files of a kernel booted with {@code psi=0}, which the kernel does not offer. */
    private static boolean unsupported(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Operation not supported");
    }
}
