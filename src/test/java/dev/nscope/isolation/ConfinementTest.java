package dev.nscope.isolation;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static dev.nscope.testing.IsolationCaptures.idMap;
import static dev.nscope.testing.IsolationCaptures.status;
import static org.assertj.core.api.Assertions.assertThat;

class ConfinementTest {
    static final Namespaces HOST = Namespaces.of(11, 12, 13, 14, 15, 16, 17, 18);

    @Test
    void aDefaultDockerContainerHoldsTheRuntimesDefaultCapabilitiesUnderAFilter() throws IOException {
        Isolation.Privileges p = Confinement.privileges(status("docker-default.status"), null, null, Confinement.Labels.NONE,
                false, 40);
        assertThat(p.uid()).isZero();
        assertThat(p.hostUid()).isZero();
        assertThat(p.seccomp()).isEqualTo("filter");
        assertThat(p.seccompFilters()).isEqualTo(1);
        assertThat(p.noNewPrivs()).isFalse();
        assertThat(p.capabilities().effective()).hasSize(14).contains("CAP_CHOWN", "CAP_NET_RAW", "CAP_AUDIT_WRITE")
                .doesNotContain("CAP_SYS_ADMIN");
        assertThat(p.capabilities().bounding()).isEqualTo(p.capabilities().effective());
        assertThat(p.capabilities().ambient()).isEmpty();
        assertThat(p.capabilities().dangerous()).isEmpty();
        assertThat(Capabilities.names(Capabilities.RUNTIME_DEFAULT, 40)).isEqualTo(p.capabilities().effective());
    }

    @Test
    void aRemappedRootIsUid0InsideAndAnUnprivilegedUidOnTheHost() throws IOException {
        Isolation.Privileges p = Confinement.privileges(status("userns-remapped.status"), idMap("userns-remapped.uid_map"),
                idMap("userns-remapped.uid_map"), Confinement.Labels.NONE, true, 40);
        assertThat(p.uid()).isZero();
        assertThat(p.gid()).isZero();
        assertThat(p.hostUid()).isEqualTo(100000);
        assertThat(p.ownUserNamespace()).isTrue();
        assertThat(p.capabilities().effective()).hasSize(41).contains("CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE");
        assertThat(p.capabilities().dangerous()).hasSize(12).contains("CAP_SYS_ADMIN", "CAP_BPF");
    }

    @Test
    void anUnmappedIdOrAMissingMapInAnOwnNamespaceIsNullNotAGuess() throws IOException {
        ProcStatus s = status("userns-remapped.status");
        assertThat(Confinement.privileges(s, idMap("userns-root.uid_map"), null, Confinement.Labels.NONE, true, 40).uid()).isNull();
        assertThat(Confinement.privileges(s, null, null, Confinement.Labels.NONE, true, 40).uid()).isNull();
        assertThat(Confinement.privileges(s, null, null, Confinement.Labels.NONE, false, 40).uid()).isEqualTo(100000);
    }

    @Test
    void capabilityBitsAboveTheKernelsLastAreNotCapabilitiesAndUnnamedOnesKeepTheirNumber() {
        assertThat(Capabilities.names(1L << 41 | 1, 40)).containsExactly("CAP_CHOWN");
        assertThat(Capabilities.names(1L << 41 | 1, 41)).containsExactly("CAP_CHOWN", "CAP_41");
        assertThat(Capabilities.names(-1, 40)).isNull();
        assertThat(Capabilities.all(40)).isEqualTo(0x1ffffffffffL);
        assertThat(Capabilities.bit("CAP_SYS_ADMIN")).isEqualTo(21);
    }

    @Test
    void labelsComeFromAppArmorsOwnFileElseTheMajorLsmsByTheirShape() {
        assertThat(labels("docker-default (enforce)\n", null)).isEqualTo(new Confinement.Labels("docker-default (enforce)", null));
        assertThat(labels(null, "unconfined\n")).isEqualTo(new Confinement.Labels("unconfined", null));
        assertThat(labels(null, "system_u:system_r:container_t:s0:c12,c34\u0000"))
                .isEqualTo(new Confinement.Labels(null, "system_u:system_r:container_t:s0:c12,c34"));
        assertThat(labels("cri-containerd.apparmor.d (enforce)\n", "cri-containerd.apparmor.d (enforce)\n"))
                .isEqualTo(new Confinement.Labels("cri-containerd.apparmor.d (enforce)", null));
        assertThat(labels(null, null)).isEqualTo(Confinement.Labels.NONE);
        assertThat(labels("", "\n")).isEqualTo(Confinement.Labels.NONE);
    }

    private static Confinement.Labels labels(String apparmor, String current) {
        byte[] a = apparmor == null ? null : apparmor.getBytes(StandardCharsets.UTF_8);
        byte[] c = current == null ? null : current.getBytes(StandardCharsets.UTF_8);
        return Confinement.labels(a, a == null ? 0 : a.length, c, c == null ? 0 : c.length);
    }

    @Test
    void nsenterNamesOnlyTheNamespacesTheContainerDoesNotShareWithTheHost() {
        Namespaces own = Namespaces.of(21, 22, 23, 24, 25, 16, 17, 18); // own pid, net, mnt, uts, ipc; host user, cgroup, time
        assertThat(Confinement.enter(4242, own, HOST)).isEqualTo("nsenter --target 4242 --mount --uts --ipc --net --pid");
        Namespaces all = Namespaces.of(21, 22, 23, 24, 25, 26, 27, 28);
        assertThat(Confinement.enter(7, all, HOST))
                .isEqualTo("nsenter --target 7 --mount --uts --ipc --net --pid --cgroup --user");
        Namespaces hostNet = Namespaces.of(21, 12, 23, 24, 25, 16, 17, 18);
        assertThat(Confinement.enter(7, hostNet, HOST)).doesNotContain("--net");
        // an unknown link: entered to be sure, but never the user namespace (nsenter refuses the caller's own)
        long[] inodes = {21, 22, 23, 24, 25, 0, 0, 18};
        assertThat(Confinement.enter(7, Namespaces.of(inodes), HOST)).endsWith("--pid --cgroup");
        assertThat(NamespaceType.values()).hasSize(8);
    }
}
