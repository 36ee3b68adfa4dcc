package dev.nscope.scan;

import dev.nscope.container.Runtime;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.NamespaceType;
import dev.nscope.testing.DockerTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Real Docker containers (Testcontainers, local dockerd) found by a scan of the live host. */
class LiveDockerTest {
    static GenericContainer<?> plain;
    static GenericContainer<?> hostNet;
    static GenericContainer<?> hostPid;

    @BeforeAll
    static void start() {
        DockerTests.requireDocker();
        plain = DockerTests.container("nscope-it-plain", "sh", "-c", "sleep 600 & sleep 600 & wait");
        hostNet = DockerTests.container("nscope-it-hostnet", "sleep", "600").withNetworkMode("host");
        hostPid = DockerTests.container("nscope-it-hostpid", h -> h.withPidMode("host"), "sleep", "600");
        plain.start();
        hostNet.start();
        hostPid.start();
    }

    @AfterAll
    static void stop() {
        for (GenericContainer<?> c : new GenericContainer<?>[] {plain, hostNet, hostPid}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    static int hostPidOf(GenericContainer<?> c) {
        return c.getCurrentContainerInfo().getState().getPid().intValue();
    }

    @Test
    void containersAreFoundWithTheirDockerNamesImagesAndPid1() {
        ScanSnapshot s = new Scanner(HostPaths.live()).scan();
        ContainerSnapshot c = s.find(plain.getContainerId()).orElseThrow();
        assertThat(c.runtime()).isEqualTo(Runtime.DOCKER);
        assertThat(c.name()).isEqualTo("nscope-it-plain");
        assertThat(c.image()).isEqualTo(DockerTests.IMAGE);
        assertThat(c.cgroupPath()).isEqualTo("/docker/" + plain.getContainerId());
        assertThat(c.pid1().hostPid()).isEqualTo(hostPidOf(plain));
        assertThat(c.pid1().comm()).isEqualTo("sh");
        assertThat(c.pid1().children()).isEqualTo(2);
        assertThat(c.processes().total()).isEqualTo(3);
        assertThat(s.find("nscope-it-plain")).contains(c);
        assertThat(s.find(plain.getContainerId().substring(0, 12))).contains(c);
        assertThat(rules(c)).doesNotContain("host-network-namespace", "host-pid-namespace");
    }

    @Test
    void hostNetworkIsFlagged() {
        ScanSnapshot s = new Scanner(HostPaths.live()).scan();
        ContainerSnapshot c = s.find("nscope-it-hostnet").orElseThrow();
        assertThat(c.namespaces().get(NamespaceType.NET)).isEqualTo(s.node().hostNamespaces().get(NamespaceType.NET));
        assertThat(rules(c)).contains("host-network-namespace").doesNotContain("host-pid-namespace");
        assertThat(c.pid1().hostPid()).isEqualTo(hostPidOf(hostNet));
    }

    @Test
    void hostPidHasNoPid1OfItsOwnAndIsFlagged() {
        ScanSnapshot s = new Scanner(HostPaths.live()).scan();
        ContainerSnapshot c = s.find("nscope-it-hostpid").orElseThrow();
        assertThat(c.pid1()).isNull();
        assertThat(c.processList()).extracting(ProcessEntry::pid).contains(hostPidOf(hostPid));
        assertThat(rules(c)).contains("host-pid-namespace");
        assertThat(c.namespaces().get(NamespaceType.PID)).isEqualTo(s.node().hostNamespaces().get(NamespaceType.PID));
    }

    static java.util.Set<String> rules(ContainerSnapshot c) {
        return c.findings().stream().map(f -> f.rule()).collect(Collectors.toSet());
    }
}
