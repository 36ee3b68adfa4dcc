package dev.nscope.isolation;

import dev.nscope.proc.ProcMountinfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's mount table, to tell where a container's mount has its files on the host: a mount there of the
 * same filesystem (the same {@code major:minor}) whose root holds the container mount's root. The files are
 * at that mount's point plus the rest of the path.
 */
public final class HostMounts {
    private final Map<Long, List<ProcMountinfo.Mount>> byDevice = new HashMap<>();

    public HostMounts(List<ProcMountinfo.Mount> mounts) {
        for (ProcMountinfo.Mount m : mounts) {
            byDevice.computeIfAbsent(device(m), k -> new ArrayList<>(1)).add(m);
        }
    }

    private static long device(ProcMountinfo.Mount m) {
        return ((long) m.major() << 32) | m.minor();
    }

    /**
     * The host path of the files container mount {@code m} shows, or null when the host has no mount of its
     * filesystem that holds them. A mount of the whole filesystem is preferred (the one with the shortest
     * mount point: the canonical place), else the host mount whose root holds the most of the path.
     */
    public String hostPath(ProcMountinfo.Mount m) {
        List<ProcMountinfo.Mount> same = byDevice.get(device(m));
        if (same == null) {
            return null;
        }
        ProcMountinfo.Mount best = null;
        for (ProcMountinfo.Mount h : same) {
            if (!holds(h.root(), m.root())) {
                continue;
            }
            if (best == null || better(h, best)) {
                best = h;
            }
        }
        return best == null ? null : join(best.mountPoint(), m.root().substring(best.root().equals("/") ? 0 : best.root().length()));
    }

    private static boolean better(ProcMountinfo.Mount h, ProcMountinfo.Mount best) {
        boolean whole = h.root().equals("/");
        boolean bestWhole = best.root().equals("/");
        if (whole != bestWhole) {
            return whole;
        }
        if (!whole && h.root().length() != best.root().length()) {
            return h.root().length() > best.root().length();
        }
        return h.mountPoint().length() < best.mountPoint().length();
    }

    /** True when filesystem path {@code root} is {@code path} or a directory above it. */
    static boolean holds(String root, String path) {
        return root.equals(path) || HostPathPolicy.within(path, root);
    }

    /** {@code dir} joined with {@code rest} ({@code ""} or a path starting with {@code /}). */
    static String join(String dir, String rest) {
        if (rest.isEmpty() || rest.equals("/")) {
            return dir;
        }
        return dir.equals("/") ? rest : dir + rest;
    }
}
