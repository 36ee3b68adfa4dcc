package dev.nscope.scan;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Cgroup figures as the scanner reports them, from the captures (exact values read from their files). */
class FixtureStatsTest {

    @Test
    void v2CasesLimitsThrottlingOomAndIo() {
        ScanSnapshot s = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host")).scan();
        ContainerStats limits = s.find("d1".repeat(32)).orElseThrow().stats();
        assertThat(limits.cpu().quotaCores()).isEqualTo(0.25);
        assertThat(limits.cpu().periods()).isEqualTo(73);
        assertThat(limits.cpu().throttledPeriods()).isEqualTo(73);
        assertThat(limits.cpu().throttledSeconds()).isEqualTo(5.664733);
        assertThat(limits.memory().limitBytes()).isEqualTo(64L << 20);
        assertThat(limits.memory().peakBytes()).isEqualTo(64L << 20);
        assertThat(limits.memory().oomKills()).isEqualTo(1);
        assertThat(limits.io().writeBytes()).isEqualTo(32L << 20);
        assertThat(limits.pids().limit()).isEqualTo(40);
        assertThat(s.find("d1".repeat(32)).orElseThrow().findings()).extracting(f -> f.rule()).contains("oom-killed");
        ContainerStats zombies = s.find("c1".repeat(32)).orElseThrow().stats();
        assertThat(zombies.pids().limit()).isEqualTo(16);
        assertThat(zombies.pids().current()).isEqualTo(5);
        assertThat(zombies.memory().limitBytes()).as("max is unlimited, not 0").isNull();
        assertThat(zombies.cpu().quotaCores()).isNull();
    }

    @Test
    void aPodsNetworkIsReportedOnceByItsSandboxAndTheHostsNever() {
        ScanSnapshot s = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host")).scan();
        ContainerSnapshot pause = s.find("b1".repeat(32)).orElseThrow();
        ContainerSnapshot app = s.find("b2".repeat(32)).orElseThrow();
        assertThat(pause.stats().network()).isNotNull();
        assertThat(pause.stats().network().interfaces()).extracting(ContainerStats.Interface::name).contains("lo");
        assertThat(app.stats().network()).isNull();
        assertThat(app.stats().cpu()).isNotNull();
    }

    @Test
    void aSandboxInItsOwnCgroupHasFiguresOneInAnotherCgroupHasNone() {
        ScanSnapshot v2 = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host")).scan();
        assertThat(v2.find("pidns-4026532627").orElseThrow().stats().memory()).isNotNull();
        ScanSnapshot v1 = new Scanner(Fixtures.paths(Fixtures.V1_DOCKER)).scan();
        ContainerSnapshot rootSandbox = v1.containers().stream().filter(c -> c.id().startsWith("pidns-")).findFirst().orElseThrow();
        assertThat(rootSandbox.cgroupPath()).isEqualTo("/");
        assertThat(rootSandbox.stats().memory()).as("the root cgroup is the whole host's").isNull();
    }

    @Test
    void sharedV2NodeQuotaPidsAndMemoryLimits() {
        ScanSnapshot s = new Scanner(Fixtures.paths(Fixtures.V2_NODE)).scan();
        ContainerStats app = s.find("1e".repeat(32)).orElseThrow().stats();
        assertThat(app.cpu().quotaCores()).isEqualTo(0.5);
        assertThat(app.cpu().throttledPeriods()).isPositive();
        assertThat(app.pids().limit()).isEqualTo(100);
        assertThat(s.find("3c".repeat(32)).orElseThrow().stats().memory().limitBytes()).isEqualTo(32L << 20);
    }

    @Test
    void v1DockerLimitsFromTheV1Controllers() throws IOException {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        ScanSnapshot s = new Scanner(Fixtures.paths(Fixtures.V1_DOCKER), FixtureScanTest.dirs(root.resolve("var/lib/docker"))).scan();
        ContainerStats limits = s.find("fx-limits").orElseThrow().stats();
        String id = s.find("fx-limits").orElseThrow().id();
        Path memory = root.resolve("sys/fs/cgroup/memory/docker/" + id);
        assertThat(limits.memory().limitBytes()).isEqualTo(64L << 20);
        assertThat(limits.memory().usageBytes()).isEqualTo(Long.parseLong(Files.readString(memory.resolve("memory.usage_in_bytes")).trim()));
        assertThat(limits.memory().oomKills()).isEqualTo(1);
        assertThat(limits.cpu().quotaCores()).isEqualTo(0.5);
        assertThat(limits.cpu().throttledPeriods()).isPositive();
        assertThat(limits.pids().limit()).isEqualTo(50);
        assertThat(s.find("fx-plain").orElseThrow().stats().memory().limitBytes()).as("no --memory: unlimited").isNull();
        // network: --network none has only lo; --network host is the host's and not reported
        assertThat(s.find("fx-plain").orElseThrow().stats().network().interfaces()).extracting(ContainerStats.Interface::name)
                .containsExactly("lo");
        assertThat(s.find("fx-hostnet").orElseThrow().stats().network()).isNull();
    }
}
