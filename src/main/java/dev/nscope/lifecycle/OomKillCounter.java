package dev.nscope.lifecycle;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.CgroupVersion;
import dev.nscope.cgroup.FlatKeyedFile;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.host.FileBytes;

import java.io.IOException;

/**
 * A container's count of OOM kills, read at the moment one of its processes died of SIGKILL: {@code oom_kill} of
 * {@code memory.events} (v2) or {@code memory.oom_control} (v1, 4.13+). Read then, the count is there even when
 * the runtime removes the cgroup a moment later. One small cgroup file per SIGKILL of a container process, never a
 * file of the process. Used on the events thread only.
 */
final class OomKillCounter {
    private static final FlatKeyedFile.Keys KEYS = FlatKeyedFile.Keys.of("oom_kill");
    private static final FlatKeyedFile.Key OOM_KILL = KEYS.key("oom_kill");

    private final Hierarchy memory;
    private final String file;
    private final FileBytes buf = new FileBytes(512, 64 << 10);

    OomKillCounter(CgroupLayout layout) {
        boolean v2 = layout.version() == CgroupVersion.V2;
        this.memory = v2 ? layout.unified() : layout.forController("memory");
        this.file = v2 ? "memory.events" : "memory.oom_control";
    }

    /** The count of {@code cgroupPath}'s OOM kills now; null when it has no memory cgroup or the file cannot be read. */
    Long read(String cgroupPath) {
        if (memory == null || cgroupPath == null) {
            return null;
        }
        try {
            buf.read(memory.resolve(cgroupPath).resolve(file).toString());
            return FlatKeyedFile.parse(buf.data(), buf.length(), KEYS).get(OOM_KILL);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
