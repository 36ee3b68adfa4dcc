package dev.nscope.container;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Real cgroup path shapes of each runtime and driver, and the look-alikes that are not containers. */
class RecognizersTest {
    static final String A = "4b2c8e0d1f3a5b7c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
    static final String B = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
    static final String UID = "7e0c2a51-93d4-4c7e-a0b2-5d1f6e8a9c30";
    static final String UID_ = UID.replace('-', '_');
    private static final CgroupPathRecognizer R = CgroupPathRecognizer.defaults();

    static Stream<Arguments> containers() {
        return Stream.of(
                // path, runtime, id, pod uid, name
                Arguments.of("/docker/" + A, "docker", A, null, null),
                Arguments.of("/system.slice/docker-" + A + ".scope", "docker", A, null, null),
                Arguments.of("/user.slice/user-1000.slice/user@1000.service/app.slice/docker-" + A + ".scope", "docker", A, null, null),
                Arguments.of("/docker/" + A + "/init.scope", "docker", A, null, null),
                Arguments.of("/docker/" + B + "/docker/" + A, "docker", A, null, null),
                Arguments.of("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice/cri-containerd-" + A + ".scope",
                        "containerd", A, UID, null),
                Arguments.of("/kubepods.slice/kubepods-pod" + UID_ + ".slice/cri-containerd-" + A + ".scope", "containerd", A, UID, null),
                Arguments.of("/kubepods/burstable/pod" + UID + "/" + A, "containerd", A, UID, null),
                Arguments.of("/kubepods/pod" + UID + "/" + A, "containerd", A, UID, null),
                Arguments.of("/kubepods/besteffort/pod0123456789abcdef0123456789abcdef/" + A, "containerd", A, "0123456789abcdef0123456789abcdef", null),
                Arguments.of("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UID_ + ".slice/crio-" + A + ".scope",
                        "cri-o", A, UID, null),
                Arguments.of("/kubepods/besteffort/pod" + UID + "/crio-" + A, "cri-o", A, UID, null),
                Arguments.of("/machine.slice/libpod-" + A + ".scope", "podman", A, null, null),
                Arguments.of("/machine.slice/libpod-" + A + ".scope/container", "podman", A, null, null),
                Arguments.of("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + A + ".scope", "podman", A, null, null),
                Arguments.of("/libpod_parent/libpod-" + A, "podman", A, null, null),
                Arguments.of("/lxc.payload.web01", "lxc", "web01", null, "web01"),
                Arguments.of("/lxc.payload.web01/system.slice/nginx.service", "lxc", "web01", null, "web01"),
                Arguments.of("/lxc/db-2", "lxc", "db-2", null, "db-2"),
                Arguments.of("/machine.slice/machine-fedora\\x2d40.scope", "systemd-nspawn", "fedora-40", null, "fedora-40"),
                Arguments.of("/machine.slice/systemd-nspawn@debian.service/payload/system.slice/cron.service", "systemd-nspawn", "debian", null, "debian"),
                // kind node (a Docker container) running a kubelet with the systemd driver: the pod's container wins
                Arguments.of("/docker/" + B + "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
                        + "kubelet-kubepods-besteffort-pod" + UID_ + ".slice/cri-containerd-" + A + ".scope", "containerd", A, UID, null),
                // ... and the node's own services belong to the node container
                Arguments.of("/docker/" + B + "/system.slice/containerd.service", "docker", B, null, null),
                // k3d: k3s in Docker with the cgroupfs driver
                Arguments.of("/docker/" + B + "/kubepods/besteffort/pod" + UID + "/" + A, "containerd", A, UID, null));
    }

    @ParameterizedTest
    @MethodSource("containers")
    void recognises(String path, String runtime, String id, String podUid, String name) {
        CgroupClaim c = R.recognize(path);
        assertThat(c).as(path).isNotNull();
        assertThat(c.runtime().label()).isEqualTo(runtime);
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.podUid()).isEqualTo(podUid);
        assertThat(c.name()).isEqualTo(name);
        assertThat(path).startsWith(c.scopePath());
    }

    static Stream<String> notContainers() {
        return Stream.of("/", "/init.scope", "/system.slice/docker.service", "/system.slice/containerd.service",
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice",
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice/crio-conmon-" + A + ".scope",
                "/machine.slice/libpod-conmon-" + A + ".scope",
                "/lxc.monitor.web01",
                "/machine.slice/machine-qemu\\x2d1\\x2dvm01.scope",
                "/user.slice/user-1000.slice/session-3.scope",
                "/docker/" + A.substring(1),
                "/docker/" + A.toUpperCase(),
                "/system.slice/docker-" + A + ".scope.bak",
                "/docker/../../etc",
                "/lxc/..",
                "/machine.slice/machine-..%2f..%2fetc.scope",
                "/process_api/875ec548706ef53793148767708c0b4d");
    }

    @ParameterizedTest
    @MethodSource("notContainers")
    void leavesAlone(String path) {
        assertThat(R.recognize(path)).as(path).isNull();
    }
}
