package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupNamespaceRoots;
import dev.nscope.cgroup.CgroupPaths;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.container.CgroupClaim;
import dev.nscope.container.CgroupPathRecognizer;
import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.proc.ProcCgroup;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /proc/<pid>/cgroup} contents of the host's processes, each distinct content parsed and
 * recognised once: the processes of a container have the same bytes, and share one copy of them, one
 * {@link CgroupPaths} and one {@link CgroupClaim}.
 */
final class CgroupMemberships {
    /** A cgroup file content, once for all processes that have it, and what it says. */
    record Membership(byte[] content, CgroupPaths paths, CgroupClaim claim) {
    }

    private final CgroupLayout layout;
    private final CgroupPathRecognizer recognizer;
    private CgroupNamespaceRoots roots;
    private final Map<ContentKey, Membership> byContent = new HashMap<>();

    CgroupMemberships(CgroupLayout layout, CgroupNamespaceRoots roots, CgroupPathRecognizer recognizer) {
        this.layout = layout;
        this.roots = roots;
        this.recognizer = recognizer;
    }

    /** Paths are read relative to these roots from now on; what was parsed before is forgotten. */
    void setRoots(CgroupNamespaceRoots roots) {
        this.roots = roots;
        byContent.clear();
    }

    /** The membership of the content in {@code buf}: the one already known for the same bytes, else parsed now. */
    Membership of(FileBytes buf) throws MalformedFileException {
        byte[] content = buf.copy();
        ContentKey key = new ContentKey(content);
        Membership m = byContent.get(key);
        if (m == null) {
            m = parse(content);
            byContent.put(key, m);
        }
        return m;
    }

    /** Forgets contents no process may have any more, when they far outnumber the processes. */
    void trim(int processes) {
        if (byContent.size() > 4 * processes + 1024) {
            byContent.clear();
        }
    }

    private Membership parse(byte[] content) throws MalformedFileException {
        List<ProcCgroup.Entry> entries = ProcCgroup.parse(content, content.length);
        CgroupPaths cg = CgroupPaths.of(entries, layout, roots);
        CgroupClaim claim = null;
        for (Hierarchy h : layout.namingOrder()) {
            claim = recognizer.recognize(cg.get(h));
            if (claim != null) {
                break;
            }
        }
        return new Membership(content, cg, claim);
    }

    /** Byte content as a hash key. */
    private record ContentKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ContentKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
