package dev.nscope.isolation;

import java.util.ArrayList;
import java.util.List;

/**
 * Which host paths matter when a container has them mounted: the sensitive ones ({@code host-path-mounted}),
 * the runtimes' sockets ({@code runtime-socket-mounted}), and the files the runtimes and the kubelet make for
 * each container (listed, never a finding). Paths are the host's, as its mount table shows them.
 */
public final class HostPathPolicy {
    /** A mount of one of these, or of a directory above one, hands the container that part of the host. */
    public static final List<String> SENSITIVE = List.of("/", "/etc", "/root", "/home", "/boot", "/usr", "/var", "/var/lib",
            "/var/log", "/run", "/var/run", "/proc", "/sys", "/dev", "/var/lib/docker", "/var/lib/containerd",
            "/var/lib/containers", "/var/lib/kubelet", "/etc/kubernetes");

    /** The runtimes' API sockets and the directories that hold nothing but a runtime's state and socket. */
    public static final List<String> RUNTIME_SOCKETS = List.of("/run/docker.sock", "/var/run/docker.sock",
            "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock",
            "/run/crio/crio.sock", "/var/run/crio/crio.sock", "/run/podman/podman.sock", "/var/run/podman/podman.sock",
            "/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock", "/run/dockershim.sock", "/var/run/dockershim.sock");
    public static final List<String> RUNTIME_SOCKET_DIRS = List.of("/run/containerd", "/var/run/containerd",
            "/run/k3s/containerd", "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman", "/run/docker",
            "/var/run/docker");
    /** A mount point with one of these names is a runtime's socket wherever its host path is. */
    public static final List<String> RUNTIME_SOCKET_NAMES = List.of("docker.sock", "containerd.sock", "crio.sock",
            "podman.sock", "cri-dockerd.sock", "dockershim.sock");

    private final List<String> managedPrefixes;

    /**
     * @param managedPrefixes directories (host paths, ending in {@code /}) under which every file is one a runtime
     *                        made for a container: Docker's {@code containers/}, the kubelet's {@code pods/}
     */
    public HostPathPolicy(List<String> managedPrefixes) {
        List<String> p = new ArrayList<>();
        for (String s : managedPrefixes) {
            p.add(s.endsWith("/") ? s : s + "/");
        }
        this.managedPrefixes = List.copyOf(p);
    }

    /** The sensitive path {@code hostPath} is or holds (the first listed), or null. */
    public static String sensitive(String hostPath) {
        if (hostPath == null) {
            return null;
        }
        for (String s : SENSITIVE) {
            if (s.equals(hostPath) || within(s, hostPath)) {
                return s;
            }
        }
        return null;
    }

    /** The runtime socket a mount gives the container (by host path, socket dir or mount point name), or null. */
    public static String runtimeSocket(String mountPoint, String hostPath) {
        if (hostPath != null && (RUNTIME_SOCKETS.contains(hostPath) || RUNTIME_SOCKET_DIRS.contains(hostPath))) {
            return hostPath;
        }
        String name = mountPoint.substring(mountPoint.lastIndexOf('/') + 1);
        return RUNTIME_SOCKET_NAMES.contains(name) ? mountPoint : null;
    }

    /** True for a file the runtime or kubelet made for a container (under a managed prefix, or a containers/storage userdata dir). */
    public boolean runtimeManaged(String hostPath) {
        if (hostPath == null) {
            return false;
        }
        for (String p : managedPrefixes) {
            if (hostPath.startsWith(p)) {
                return true;
            }
        }
        int oc = hostPath.indexOf("/overlay-containers/");
        return oc >= 0 && hostPath.indexOf("/userdata/", oc) > 0;
    }

    /** True when {@code path} lies strictly below directory {@code dir}. */
    static boolean within(String path, String dir) {
        return dir.equals("/") ? path.length() > 1 && path.startsWith("/")
                : path.length() > dir.length() && path.startsWith(dir) && path.charAt(dir.length()) == '/';
    }
}
