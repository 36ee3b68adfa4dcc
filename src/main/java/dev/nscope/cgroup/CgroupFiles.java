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
 *
 * <p>What need not be read every pass is not: a file name the kernel lacks (absent from a cgroup
 * directory that exists: {@code memory.peak} before 5.19, the swap files without swap accounting) is
 * remembered and not tried again until {@link #RECHECK_LACKING} passes later; figures that change only
 * when someone changes them (limits) are read through {@link #readSlow}, every {@link #SLOW_EVERY} passes.
 */
final class CgroupFiles {
    /** Passes between two reads of a limit ({@code memory.max}, {@code cpu.max}, {@code pids.max} …). */
    static final int SLOW_EVERY = 6;
    /** Passes after which file names the kernel lacked are tried again. */
    static final int RECHECK_LACKING = 256;
    /** A pure parser over a file's bytes. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] b, int len) throws MalformedFileException;
    }

    private final FileBytes buf = new FileBytes();
    private final java.util.Set<String> lacking = new java.util.HashSet<>();
    private final java.util.Map<String, Slow> slow = new java.util.HashMap<>();
    private ErrorCounts errors;
    private boolean vanished;
    private long pass;
    private boolean refreshSlow;

    /** A slowly changing value and the pass that read it. */
    private record Slow(Object value, long readInPass) {
    }

    /** Starts a scan pass: ages the slow values, and now and then forgets which names were lacking. */
    void beginPass() {
        pass++;
        if (pass % RECHECK_LACKING == 0) {
            lacking.clear();
        }
        if (pass % SLOW_EVERY == 0) {
            slow.values().removeIf(v -> pass - v.readInPass > 2L * SLOW_EVERY);
        }
    }

    long pass() {
        return pass;
    }

    /** Starts a call: failures go to {@code errors}. */
    void begin(ErrorCounts errors) {
        begin(errors, false);
    }

    /** Starts a call; {@code refreshSlow}: read the slow values again too (the caller has not read this cgroup for a while). */
    void begin(ErrorCounts errors, boolean refreshSlow) {
        this.errors = errors;
        this.refreshSlow = refreshSlow;
    }

    /**
     * Like {@link #read}, for a value that changes only when someone changes it: read again only every
     * {@link #SLOW_EVERY} passes, else the value read last time.
     */
    @SuppressWarnings("unchecked")
    <T> T readSlow(String dir, String name, Parser<T> parser) {
        if (dir == null) {
            return null;
        }
        String key = dir + '/' + name;
        Slow s = slow.get(key);
        if (s != null && !refreshSlow && pass - s.readInPass < SLOW_EVERY) {
            return (T) s.value;
        }
        T v = read(dir, name, parser);
        if (!vanished) {
            slow.put(key, new Slow(v, pass));
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
        if (dir == null || lacking.contains(name)) {
            return null;
        }
        try {
            buf.read(dir + '/' + name);
        } catch (IOException e) {
            if (gone(dir)) {
                vanished = true;
            } else if (KernelErrors.isAbsent(e) || unsupported(e)) {
                lacking.add(name);
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
        return !new File(dir).isDirectory();
    }

    /** EOPNOTSUPP: PSI files of a kernel booted with {@code psi=0}, which the kernel does not offer. */
    private static boolean unsupported(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Operation not supported");
    }
}
