package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** This machine's own cgroups: the root and every cgroup right below it, in every hierarchy. */
class LiveCgroupStatsTest {
    private final HostPaths host = HostPaths.live();

    @Test
    void rootLevelCgroupsReadWithoutError() {
        assumeTrue(Files.isDirectory(host.cgroupRoot()), "no cgroup tree");
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        assumeTrue(!layout.hierarchies().isEmpty(), "no cgroup hierarchy mounted");
        CgroupStatsReader reader = new CgroupStatsReader(host, layout);
        TreeSet<String> paths = new TreeSet<>();
        paths.add("/");
        for (Hierarchy h : layout.hierarchies()) {
            File[] children = h.dir().toFile().listFiles(File::isDirectory);
            if (children != null) {
                for (File c : children) {
                    paths.add("/" + c.getName());
                }
            }
        }
        int self = (int) ProcessHandle.current().pid();
        for (String p : paths) {
            ErrorCounts errors = new ErrorCounts();
            ContainerStats s = reader.read(h -> Files.isDirectory(h.resolve(p)) ? p : null, self, errors);
            assertThat(errors.snapshot().values()).as("errors reading %s", p).allMatch(n -> n == 0);
            assertThat(s.network().interfaces()).as("interfaces").isNotEmpty();
        }

        ErrorCounts errors = new ErrorCounts();
        ContainerStats root = reader.read(h -> "/", 0, errors);
        assertThat(root.cpu().usageSeconds()).isPositive();
        assertThat(root.memory().rssBytes()).isPositive();
        assertThat(root.memory().limitBytes()).isNull();
        if (layout.version() != CgroupVersion.V2) {
            assertThat(root.memory().usageBytes()).isPositive();
            assertThat(root.cpu().quotaCores()).isNull();
        }
        if (layout.version() == CgroupVersion.V1) {
            assertThat(root.pressure()).isNull();
        }
    }
}
