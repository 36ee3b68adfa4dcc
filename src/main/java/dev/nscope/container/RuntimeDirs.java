package dev.nscope.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the runtimes keep their state (read-only; in the DaemonSet, host paths mounted at the same place).
 *
 * @param dockerRoot         Docker's data root: {@code containers/<id>/config.v2.json}
 * @param containerdState    containerd's state dir: {@code io.containerd.runtime.v2.task/<ns>/<id>/config.json}
 * @param containersStorage  containers/storage roots of CRI-O and podman: {@code overlay-containers/<id>/userdata/config.json}
 * @param userRuntimeDir     the parent of users' XDG runtime dirs, for rootless podman: {@code <uid>/containers/…}
 */
public record RuntimeDirs(Path dockerRoot, Path containerdState, List<Path> containersStorage, Path userRuntimeDir) {
    public static RuntimeDirs defaults() {
        return new RuntimeDirs(Path.of("/var/lib/docker"), Path.of("/run/containerd"),
                List.of(Path.of("/run/containers/storage"), Path.of("/var/lib/containers/storage")), Path.of("/run/user"));
    }

    /** The directories whose files a runtime or the kubelet made for one container (its hosts, resolv.conf, secrets). */
    public List<String> perContainerFileDirs() {
        List<String> p = new ArrayList<>();
        p.add(dockerRoot.resolve("containers").toString());
        p.add("/var/lib/kubelet/pods");
        p.add("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes");
        p.add(containerdState.resolve("io.containerd.grpc.v1.cri/sandboxes").toString());
        for (Path s : containersStorage) {
            p.add(s.resolve("overlay-containers").toString());
        }
        return p;
    }
}
