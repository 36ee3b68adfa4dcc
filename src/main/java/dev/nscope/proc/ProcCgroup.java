package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/<pid>/cgroup}: one line per hierarchy, {@code hierarchy-ID:controller-list:cgroup-path}
 * (cgroups(7)). The cgroup v2 line is {@code 0::/path}; v1 lines name their controllers
 * ({@code 4:memory:/docker/…}, {@code 1:name=systemd:/…}). Paths are relative to the reader's cgroup
 * namespace: outside it they start with {@code /..}. A removed cgroup ends in {@code " (deleted)"},
 * which is stripped. The path is everything after the second ':' (a cgroup name may hold ':').
 */
public final class ProcCgroup {
    private ProcCgroup() {
    }

    /**
     * One line.
     *
     * @param hierarchyId 0 for the v2 hierarchy
     * @param controllers the comma-separated controller list as written ("" for v2, "name=systemd", …)
     */
    public record Entry(int hierarchyId, String controllers, String path) {
        public boolean isUnified() {
            return hierarchyId == 0 && controllers.isEmpty();
        }
    }

    private static final String DELETED = " (deleted)";

    public static List<Entry> parse(byte[] b, int len) throws MalformedFileException {
        List<Entry> out = new ArrayList<>(12);
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (end > i) {
                int c1 = Ascii.indexOf(b, i, end, (byte) ':');
                int c2 = c1 < 0 ? -1 : Ascii.indexOf(b, c1 + 1, end, (byte) ':');
                if (c2 < 0) {
                    throw new MalformedFileException("cgroup: line without two ':'");
                }
                long id = Ascii.parseLong(b, i, c1);
                if (id < 0 || id > Integer.MAX_VALUE) {
                    throw new MalformedFileException("cgroup: bad hierarchy id");
                }
                String path = Ascii.string(b, c2 + 1, end);
                if (path.endsWith(DELETED)) {
                    path = path.substring(0, path.length() - DELETED.length());
                }
                if (path.isEmpty() || path.charAt(0) != '/') {
                    throw new MalformedFileException("cgroup: path is not absolute");
                }
                out.add(new Entry((int) id, Ascii.string(b, c1 + 1, c2), path));
            }
            i = end + 1;
        }
        if (out.isEmpty()) {
            throw new MalformedFileException("cgroup: empty");
        }
        return out;
    }
}
