package dev.nscope.scan;

import com.github.dockerjava.api.model.Capability;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.isolation.Capabilities;
import dev.nscope.isolation.Isolation;
import dev.nscope.rules.Finding;
import dev.nscope.rules.Severity;
import dev.nscope.testing.DockerTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a container can reach, from real Docker containers: privileged (or, where this host's bounding set
 * cannot grant {@code --privileged}, everything it can plus {@code seccomp=unconfined}), an added
 * {@code SYS_ADMIN}, seccomp off, the Docker socket, the host's root read-only, the host's {@code /etc},
 * a confined container and a default one. The {@code nsenter} line each gets is run, to show it enters.
 */
class LiveIsolationDockerTest {
    static final Set<String> ISOLATION_RULES = Set.of("privileged", "dangerous-capabilities", "seccomp-unconfined",
            "runtime-socket-mounted", "host-path-mounted");
    static final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    static ScanSnapshot snapshot;
    static boolean realPrivileged;

    @BeforeAll
    static void start() throws Exception {
        DockerTests.requireDocker();
        long bounding = Long.parseLong(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().substring(7).trim(), 16);
        int lastCap = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
        realPrivileged = bounding == Capabilities.all(lastCap);
        if (realPrivileged) {
            add("privileged", c -> c.getHostConfig().withPrivileged(true));
        } else {
            List<Capability> grantable = new ArrayList<>();
            for (Capability cap : Capability.values()) {
                int bit = Capabilities.bit("CAP_" + cap.name());
                // bits up to CAP_AUDIT_READ (37): a Docker older than 20.10.? refuses the names of CAP_BPF and later
                if (bit >= 0 && bit <= Capabilities.bit("CAP_AUDIT_READ") && (bounding & (1L << bit)) != 0) {
                    grantable.add(cap);
                }
            }
            add("privileged", c -> c.getHostConfig().withCapAdd(grantable.toArray(new Capability[0]))
                    .withSecurityOpts(List.of("seccomp=unconfined")));
        }
        add("sysadmin", c -> c.getHostConfig().withCapAdd(Capability.SYS_ADMIN));
        add("unconfined", c -> c.getHostConfig().withSecurityOpts(List.of("seccomp=unconfined")));
        containers.put("socket", base("socket", c -> { })
                .withFileSystemBind("/var/run/docker.sock", "/var/run/docker.sock", BindMode.READ_WRITE));
        containers.put("hostroot", base("hostroot", c -> { }).withFileSystemBind("/", "/host", BindMode.READ_ONLY));
        containers.put("hostetc", base("hostetc", c -> { }).withFileSystemBind("/etc", "/host-etc", BindMode.READ_WRITE));
        add("confined", c -> {
            c.withUser("1000:1000");
            c.getHostConfig().withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"));
        });
        add("default", c -> { });
        for (GenericContainer<?> c : containers.values()) {
            c.start();
        }
        Scanner scanner = new Scanner(HostPaths.live());
        scanner.scan();
        snapshot = scanner.scan();
    }

    static void add(String name, Consumer<com.github.dockerjava.api.command.CreateContainerCmd> cmd) {
        containers.put(name, base(name, cmd));
    }

    @SuppressWarnings("resource")
    static GenericContainer<?> base(String name, Consumer<com.github.dockerjava.api.command.CreateContainerCmd> cmd) {
        return new GenericContainer<>(DockerImageName.parse(DockerTests.IMAGE))
                .withNetworkMode("none")
                .withCreateContainerCmdModifier(c -> {
                    c.withName("li-" + name);
                    cmd.accept(c);
                })
                .withCommand("sleep", "600");
    }

    @AfterAll
    static void stop() {
        containers.values().forEach(GenericContainer::stop);
    }

    static ContainerSnapshot of(String name) {
        return snapshot.find(containers.get(name).getContainerId()).orElseThrow();
    }

    static Map<String, Finding> isolationFindings(String name) {
        Map<String, Finding> m = new LinkedHashMap<>();
        of(name).findings().stream().filter(f -> ISOLATION_RULES.contains(f.rule())).forEach(f -> m.put(f.rule(), f));
        return m;
    }

    @Test
    void aPrivilegedContainerIsPrivilegedAndNothingLess() {
        Map<String, Finding> f = isolationFindings("privileged");
        assertThat(f.keySet()).as(realPrivileged ? "--privileged" : "every grantable capability, seccomp off")
                .containsExactly("privileged");
        assertThat(f.get("privileged").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.get("privileged").evidence()).containsEntry("seccomp", "disabled");
        Isolation.Privileges p = of("privileged").isolation().privileges();
        assertThat(p.seccomp()).isEqualTo("disabled");
        assertThat(p.capabilities().effective()).contains("CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_NET_ADMIN");
        assertThat(p.capabilities().dangerous()).contains("CAP_SYS_ADMIN");
    }

    @Test
    void anAddedSysAdminIsADangerousCapabilityUnderTheDefaultFilter() {
        Map<String, Finding> f = isolationFindings("sysadmin");
        assertThat(f.keySet()).containsExactly("dangerous-capabilities");
        assertThat(f.get("dangerous-capabilities").evidence()).containsEntry("capabilities", List.of("CAP_SYS_ADMIN"));
        assertThat(of("sysadmin").isolation().privileges().seccomp()).isEqualTo("filter");
    }

    @Test
    void seccompOffAloneIsUnconfined() {
        assertThat(isolationFindings("unconfined").keySet()).containsExactly("seccomp-unconfined");
        assertThat(of("unconfined").isolation().privileges().seccompFilters()).isZero();
    }

    @Test
    void theDockerSocketIsFoundByItsHostPath() {
        Map<String, Finding> f = isolationFindings("socket");
        assertThat(f.keySet()).containsExactly("runtime-socket-mounted");
        assertThat(f.get("runtime-socket-mounted").evidence()).containsEntry("mountPoints", List.of("/var/run/docker.sock"));
        Isolation.Mount sock = mount("socket", "/var/run/docker.sock");
        assertThat(sock.hostPath()).isIn("/run/docker.sock", "/var/run/docker.sock");
    }

    @Test
    void theHostsRootReadOnlyIsAHostPathWhoseSeverityFollowsWhatIsWritableBelowIt() {
        Map<String, Finding> f = isolationFindings("hostroot");
        assertThat(f.keySet()).containsExactly("host-path-mounted");
        Isolation.Mount root = mount("hostroot", "/host");
        assertThat(root.hostPath()).isEqualTo("/");
        assertThat(root.readOnly()).isTrue();
        assertThat(root.sensitive()).isTrue();
        // whether the kernel made the read-only bind recursive decides whether the mounts that came with it are writable
        assertThat(f.get("host-path-mounted").severity()).isEqualTo(root.writableSubmounts() > 0 ? Severity.WARNING : Severity.INFO);
    }

    @Test
    void theHostsEtcWritableIsAWarning() {
        Map<String, Finding> f = isolationFindings("hostetc");
        assertThat(f.keySet()).containsExactly("host-path-mounted");
        assertThat(f.get("host-path-mounted").severity()).isEqualTo(Severity.WARNING);
        assertThat(f.get("host-path-mounted").evidence().get("mounts")).isEqualTo(List.of("/etc at /host-etc rw"));
    }

    @Test
    void aConfinedContainerHasNoCapabilitiesRunsAsUid1000AndRaisesNothing() {
        assertThat(isolationFindings("confined")).isEmpty();
        Isolation.Privileges p = of("confined").isolation().privileges();
        assertThat(p.uid()).isEqualTo(1000);
        assertThat(p.gid()).isEqualTo(1000);
        assertThat(p.hostUid()).isEqualTo(1000);
        assertThat(p.noNewPrivs()).isTrue();
        assertThat(p.capabilities().effective()).isEmpty();
        assertThat(p.capabilities().bounding()).isEmpty();
        assertThat(p.seccomp()).isEqualTo("filter");
    }

    @Test
    void aDefaultContainerHasAnOverlayRootTheRuntimesFilesAFilterAndNoFinding() {
        assertThat(isolationFindings("default")).isEmpty();
        Isolation iso = of("default").isolation();
        assertThat(iso.rootfs().fstype()).isEqualTo("overlay");
        assertThat(iso.rootfs().upperDir()).isNotNull();
        // and /dev/shm where Docker made it on the host (ipc "shareable": <data-root>/containers/<id>/mounts/shm)
        assertThat(iso.mounts()).extracting(Isolation.Mount::mountPoint)
                .contains("/etc/hosts", "/etc/hostname", "/etc/resolv.conf").isSubsetOf("/etc/hosts", "/etc/hostname",
                        "/etc/resolv.conf", "/dev/shm");
        assertThat(iso.mounts()).allMatch(Isolation.Mount::runtimeManaged);
        assertThat(iso.privileges().seccomp()).isEqualTo("filter");
        assertThat(iso.privileges().capabilities().effective()).hasSize(14);
        assertThat(snapshot.node().scanErrors().get(ErrorKind.MALFORMED)).isZero();
    }

    @Test
    void theNsenterLineEntersTheContainer() throws Exception {
        ContainerSnapshot c = of("default");
        String enter = c.isolation().enter();
        assertThat(enter).isEqualTo("nsenter --target " + c.pid1().hostPid() + " --mount --uts --ipc --net --pid");
        List<String> cmd = new ArrayList<>(List.of(enter.split(" ")));
        cmd.addAll(List.of("cat", "/etc/hostname"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(c.id()).as("Docker names the host after the container").startsWith(out);
    }

    static Isolation.Mount mount(String name, String mountPoint) {
        return of(name).isolation().mounts().stream().filter(m -> m.mountPoint().equals(mountPoint)).findFirst().orElseThrow();
    }
}
