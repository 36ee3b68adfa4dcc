package dev.nscope.cgroup;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupLayoutTest {

    @Test
    void pureV2() {
        CgroupLayout l = CgroupLayout.detect(Fixtures.paths(Fixtures.V2_NODE).cgroupRoot());
        assertThat(l.version()).isEqualTo(CgroupVersion.V2);
        assertThat(l.hierarchies()).singleElement().satisfies(h -> assertThat(h.unified()).isTrue());
        assertThat(l.forController("memory")).isSameAs(l.unified());
        assertThat(l.forLine(0, "")).isSameAs(l.unified());
        assertThat(l.namingOrder()).containsExactly(l.unified());
    }

    @Test
    void hybridCaptureOfThisMachine() {
        CgroupLayout l = CgroupLayout.detect(Fixtures.paths(Fixtures.V1_DOCKER).cgroupRoot());
        assertHybrid(l);
    }

    @Test
    void liveHostIsHybrid() {
        // environment.md: this machine mounts v1 controllers and an empty v2 hierarchy at unified
        assertHybrid(CgroupLayout.detect(Path.of("/sys/fs/cgroup")));
    }

    private static void assertHybrid(CgroupLayout l) {
        assertThat(l.version()).isEqualTo(CgroupVersion.HYBRID);
        assertThat(l.unified().name()).isEqualTo("unified");
        assertThat(l.forController("memory").name()).isEqualTo("memory");
        assertThat(l.forController("pids").name()).isEqualTo("pids");
        assertThat(l.forController("cpuacct").name()).isEqualTo("cpuacct");
        assertThat(l.forLine(9, "name=systemd").name()).isEqualTo("systemd");
        assertThat(l.forLine(0, "")).isSameAs(l.unified());
        // stats never come from the empty v2 hierarchy of a hybrid host
        assertThat(l.forController("io")).isNull();
        assertThat(l.namingOrder().get(0).name()).isEqualTo("pids");
        assertThat(l.namingOrder().get(l.namingOrder().size() - 1)).isSameAs(l.unified());
    }

    @Test
    void coMountedControllersAndAliasLinks(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("cpu,cpuacct"));
        Files.writeString(root.resolve("cpu,cpuacct/cgroup.procs"), "1\n");
        Files.createSymbolicLink(root.resolve("cpu"), root.resolve("cpu,cpuacct"));
        Files.createSymbolicLink(root.resolve("cpuacct"), root.resolve("cpu,cpuacct"));
        Files.createDirectories(root.resolve("memory"));
        CgroupLayout l = CgroupLayout.detect(root);
        assertThat(l.version()).isEqualTo(CgroupVersion.V1);
        assertThat(l.hierarchies()).extracting(Hierarchy::name).containsExactly("cpu,cpuacct", "memory");
        assertThat(l.forController("cpuacct")).isSameAs(l.forController("cpu"));
        assertThat(l.forLine(3, "cpu,cpuacct").name()).isEqualTo("cpu,cpuacct");
        assertThat(l.unified()).isNull();
    }

    @Test
    void missingRootIsAnEmptyLayoutNotAnError(@TempDir Path root) {
        CgroupLayout l = CgroupLayout.detect(root.resolve("nothing"));
        assertThat(l.hierarchies()).isEmpty();
        assertThat(l.forController("memory")).isNull();
    }
}
