package dev.nscope.testing;

import dev.nscope.host.FileBytes;
import dev.nscope.proc.ProcIdMap;
import dev.nscope.proc.ProcMountinfo;
import dev.nscope.proc.ProcStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel files of real containers the isolation code is tested on: Docker containers and the host's mount
 * table captured at one moment by {@code tools/capture-isolation.sh}, and user namespaces made on the build host.
 */
public final class IsolationCaptures {
    public static final Path DIR = Path.of("src/test/resources/dev/nscope/proc/isolation");

    private IsolationCaptures() {
    }

    public static List<ProcMountinfo.Mount> mountinfo(String name) throws IOException {
        FileBytes b = new FileBytes().read(DIR.resolve(name).toString());
        return ProcMountinfo.parse(b.data(), b.length());
    }

    public static ProcStatus status(String name) throws IOException {
        FileBytes b = new FileBytes().read(DIR.resolve(name).toString());
        return ProcStatus.parse(b.data(), b.length());
    }

    public static ProcIdMap idMap(String name) throws IOException {
        FileBytes b = new FileBytes().read(DIR.resolve(name).toString());
        return ProcIdMap.parse(b.data(), b.length());
    }
}
