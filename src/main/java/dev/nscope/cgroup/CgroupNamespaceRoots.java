package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.FileBytes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Turns the paths of {@code /proc/<pid>/cgroup}, which the kernel writes relative to the <em>reader's</em>
 * cgroup namespace, into paths from the real root of each hierarchy.
 *
 * <p>An agent in its own cgroup namespace (the default for containers on cgroup v2) sees itself at
 * {@code /} and everything outside its subtree as {@code /../../…}. Its namespace root, per hierarchy,
 * is the directory whose {@code cgroup.procs} holds the agent's pid: a kernel thread, which always sits
 * in the real root cgroup, shows how many levels up that is (its path is {@code /..} repeated), so the
 * search only looks at that depth. Found once, at start.
 */
public final class CgroupNamespaceRoots {
    private final String[] roots;
    private final List<String> unresolved;

    private CgroupNamespaceRoots(String[] roots, List<String> unresolved) {
        this.roots = roots;
        this.unresolved = List.copyOf(unresolved);
    }

    /** The agent shares the host's cgroup namespace: every path is already absolute. */
    public static CgroupNamespaceRoots identity(CgroupLayout layout) {
        String[] r = new String[layout.hierarchies().size()];
        Arrays.fill(r, "/");
        return new CgroupNamespaceRoots(r, List.of());
    }

    /**
     * Finds the agent's namespace root in each hierarchy.
     *
     * @param selfPid       the agent's pid as the scanned procfs numbers it
     * @param rootCgroupOf  the cgroup paths of a process known to be in the real root cgroup (a
     *                      kernel thread), as the agent reads them; indexed like the hierarchies
     * @return the roots; a hierarchy where no root is found keeps "/" and is listed in {@link #unresolved()}
     */
    public static CgroupNamespaceRoots discover(CgroupLayout layout, int selfPid, String[] rootCgroupOf) {
        String[] r = new String[layout.hierarchies().size()];
        Arrays.fill(r, "/");
        List<String> missing = new ArrayList<>();
        for (Hierarchy h : layout.hierarchies()) {
            String kthreadPath = rootCgroupOf == null ? null : rootCgroupOf[h.index()];
            int depth = kthreadPath == null ? -1 : upLevels(kthreadPath);
            if (depth == 0) {
                continue;
            }
            String found = search(h.dir(), selfPid, depth);
            if (found == null) {
                missing.add(h.name());
            } else {
                r[h.index()] = found;
            }
        }
        return new CgroupNamespaceRoots(r, missing);
    }

    /** Hierarchies whose namespace root could not be found (paths there are only stripped of "/.."). */
    public List<String> unresolved() {
        return unresolved;
    }

    /** The namespace root found for a hierarchy ("/" when the agent is not in a cgroup namespace). */
    public String root(Hierarchy h) {
        return roots[h.index()];
    }

    /** The real path of a path read from {@code /proc/<pid>/cgroup} in hierarchy {@code h}. */
    public String normalize(Hierarchy h, String path) {
        return join(roots[h.index()], path);
    }

    /** {@code root + "/" + path}, with {@code .}, {@code ..} and empty segments resolved; never above "/". */
    public static String join(String root, String path) {
        if (root.equals("/") && !path.contains("/.") && !path.contains("//")) {
            return path;
        }
        Deque<String> segs = new ArrayDeque<>();
        for (String s : (root + "/" + path).split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!segs.isEmpty()) {
                    segs.removeLast();
                }
            } else {
                segs.addLast(s);
            }
        }
        return segs.isEmpty() ? "/" : "/" + String.join("/", segs);
    }

    /** How many leading {@code /..} segments a path has. */
    static int upLevels(String path) {
        int n = 0;
        for (String s : path.split("/")) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals("..")) {
                n++;
            } else {
                break;
            }
        }
        return n;
    }

    /** Breadth-first search for the cgroup directory at {@code depth} (or any depth ≤ 8 if unknown). */
    private static String search(Path hierarchyDir, int selfPid, int depth) {
        int maxDepth = depth < 0 ? 8 : depth;
        FileBytes buf = new FileBytes();
        Deque<String> queue = new ArrayDeque<>();
        queue.add("");
        int visited = 0;
        while (!queue.isEmpty() && visited < 100_000) {
            String rel = queue.removeFirst();
            visited++;
            int d = rel.isEmpty() ? 0 : (int) rel.chars().filter(c -> c == '/').count();
            File dir = rel.isEmpty() ? hierarchyDir.toFile() : new File(hierarchyDir.toFile(), rel.substring(1));
            if ((depth < 0 || d == depth) && containsPid(buf, new File(dir, "cgroup.procs"), selfPid)) {
                return rel.isEmpty() ? "/" : rel;
            }
            if (d >= maxDepth) {
                continue;
            }
            File[] children = dir.listFiles(File::isDirectory);
            if (children != null) {
                Arrays.sort(children);
                for (File c : children) {
                    queue.addLast(rel + "/" + c.getName());
                }
            }
        }
        return null;
    }

    private static boolean containsPid(FileBytes buf, File procs, int pid) {
        try {
            buf.read(procs.getPath());
        } catch (IOException e) {
            return false;
        }
        byte[] b = buf.data();
        int len = buf.length();
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (Ascii.parseLong(b, i, end) == pid) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }
}
