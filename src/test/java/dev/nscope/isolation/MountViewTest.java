package dev.nscope.isolation;

import dev.nscope.container.RuntimeDirs;
import dev.nscope.proc.ProcMountinfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.nscope.testing.IsolationCaptures.mountinfo;
import static org.assertj.core.api.Assertions.assertThat;

/** Real Docker containers' mount tables against the host's, captured at one moment (tools/capture-isolation.sh). */
class MountViewTest {
    static final HostPathPolicy POLICY = new HostPathPolicy(List.of("/var/lib/docker/containers", "/var/lib/kubelet/pods"));

    static MountView.View view(String container) throws IOException {
        return MountView.of(mountinfo(container), new HostMounts(mountinfo("host.mountinfo")), POLICY);
    }

    static Isolation.Mount at(MountView.View v, String mountPoint) {
        return v.mounts().stream().filter(m -> m.mountPoint().equals(mountPoint)).findFirst().orElseThrow();
    }

    @Test
    void aDefaultContainerHasAnOverlayRootAndOnlyTheFilesDockerMadeForIt() throws IOException {
        MountView.View v = view("docker-default.mountinfo");
        assertThat(v.rootfs().fstype()).isEqualTo("overlay");
        assertThat(v.rootfs().source()).isEqualTo("overlay");
        assertThat(v.rootfs().readOnly()).isFalse();
        assertThat(v.rootfs().upperDir()).matches("/var/lib/docker/overlay2/[0-9a-f]{64}/diff");
        assertThat(v.rootfs().hostPath()).as("the host has the same overlay mounted: the merged dir")
                .isEqualTo(v.rootfs().upperDir().replace("/diff", "/merged"));
        assertThat(v.mounts()).extracting(Isolation.Mount::mountPoint)
                .containsExactlyInAnyOrder("/etc/resolv.conf", "/etc/hostname", "/etc/hosts");
        assertThat(v.mounts()).allSatisfy(m -> {
            assertThat(m.runtimeManaged()).isTrue();
            assertThat(m.sensitive()).isFalse();
            assertThat(m.hostPath()).startsWith("/var/lib/docker/containers/");
            assertThat(m.propagation()).isEqualTo("private");
        });
        assertThat(at(v, "/etc/hosts").hostPath()).endsWith("/hosts");
    }

    @Test
    void theKernelFilesystemsAtTheirUsualPlacesAreTheContainersOwnAndNotListed() throws IOException {
        MountView.View v = view("docker-privileged-equivalent.mountinfo");
        // its v1 cgroup mounts are the host's hierarchies (same devices), yet its own view of them
        assertThat(v.mounts()).noneMatch(m -> m.mountPoint().startsWith("/sys") || m.mountPoint().startsWith("/proc")
                || m.mountPoint().startsWith("/dev"));
    }

    @Test
    void theSocketTheHostRootAndTheHostEtcAreHostPathsTheSensitiveOnesMarked() throws IOException {
        MountView.View v = view("docker-sock-host.mountinfo");
        Isolation.Mount root = at(v, "/host");
        assertThat(root.hostPath()).isEqualTo("/");
        assertThat(root.readOnly()).isTrue();
        assertThat(root.sensitive()).isTrue();
        assertThat(root.runtimeManaged()).isFalse();
        // the rbind brought the host's mounts below it: counted in it, several of them writable (ro is not recursive here)
        assertThat(root.submounts()).isGreaterThanOrEqualTo(10);
        assertThat(root.writableSubmounts()).isPositive();
        Isolation.Mount etc = at(v, "/host-etc");
        assertThat(etc.hostPath()).isEqualTo("/etc");
        assertThat(etc.readOnly()).isFalse();
        assertThat(etc.sensitive()).isTrue();
        Isolation.Mount sock = at(v, "/var/run/docker.sock");
        assertThat(sock.hostPath()).isEqualTo("/run/docker.sock");
        assertThat(sock.sensitive()).as("a socket is its own rule").isFalse();
        assertThat(HostPathPolicy.runtimeSocket(sock.mountPoint(), sock.hostPath())).isEqualTo("/run/docker.sock");
        assertThat(v.mounts()).extracting(Isolation.Mount::mountPoint)
                .containsExactlyInAnyOrder("/host", "/host-etc", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts",
                        "/var/run/docker.sock");
    }

    @Test
    void aSandboxWhoseRootIsTheHostsListsOnlyWhatDiffersFromTheHostsTree() throws IOException {
        // what a bare unshare --mount sees: a copy of the host's table, plus its own /proc and a bind of /etc at /mnt
        List<ProcMountinfo.Mount> host = mountinfo("host.mountinfo");
        StringBuilder copy = new StringBuilder();
        for (ProcMountinfo.Mount m : host) {
            copy.append(m.id() + 1000).append(' ').append(m.parent() == 1 ? 1 : m.parent() + 1000).append(' ')
                    .append(m.major()).append(':').append(m.minor()).append(' ').append(m.root()).append(' ')
                    .append(m.mountPoint()).append(m.readOnly() ? " ro" : " rw").append(" - ").append(m.fstype()).append(' ')
                    .append(m.source()).append(' ').append(m.superOptions()).append('\n');
        }
        int rootId = host.stream().filter(m -> m.mountPoint().equals("/")).findFirst().orElseThrow().id() + 1000;
        copy.append("5000 ").append(rootId).append(" 254:0 /etc /mnt rw - ext4 /dev/vda rw\n");
        byte[] b = copy.toString().getBytes();
        MountView.View v = MountView.of(ProcMountinfo.parse(b, b.length), new HostMounts(host), POLICY);
        assertThat(v.rootfs().hostPath()).isEqualTo("/");
        assertThat(v.mounts()).extracting(Isolation.Mount::mountPoint).containsExactly("/mnt");
        assertThat(at(v, "/mnt").hostPath()).isEqualTo("/etc");
    }

    @Test
    void withoutTheHostsTableNoHostPathIsGuessed() throws IOException {
        MountView.View v = MountView.of(mountinfo("docker-sock-host.mountinfo"), null, POLICY);
        assertThat(v.rootfs().fstype()).isEqualTo("overlay");
        assertThat(v.rootfs().hostPath()).isNull();
        assertThat(v.mounts()).isNull();
    }

    @Test
    void theRuntimesAndTheKubeletsPerContainerDirsAreManaged() {
        RuntimeDirs d = RuntimeDirs.defaults();
        HostPathPolicy p = new HostPathPolicy(List.of(d.dockerRoot().resolve("containers").toString(), "/var/lib/kubelet/pods"));
        assertThat(p.runtimeManaged("/var/lib/kubelet/pods/3f9a/volumes/kubernetes.io~projected/kube-api-access-x")).isTrue();
        assertThat(p.runtimeManaged("/var/lib/containers/storage/overlay-containers/abc/userdata/hosts")).isTrue();
        assertThat(p.runtimeManaged("/var/lib/docker/volumes/data/_data")).isFalse();
        assertThat(HostPathPolicy.sensitive("/var")).as("holds /var/lib/docker").isEqualTo("/var");
        assertThat(HostPathPolicy.sensitive("/etc/kubernetes")).isEqualTo("/etc/kubernetes");
        assertThat(HostPathPolicy.sensitive("/etc/nginx")).as("below a sensitive path, not holding one").isNull();
        assertThat(HostPathPolicy.sensitive("/var/lib/docker/volumes/data/_data")).isNull();
        assertThat(HostPathPolicy.sensitive("/")).isEqualTo("/");
        assertThat(HostPathPolicy.runtimeSocket("/sock/containerd.sock", "/somewhere/else")).isEqualTo("/sock/containerd.sock");
        assertThat(HostPathPolicy.runtimeSocket("/x", "/run/containerd")).isEqualTo("/run/containerd");
        assertThat(HostPathPolicy.runtimeSocket("/data", "/srv/data")).isNull();
    }
}
