package dev.nscope.cgroup;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupNamespaceRootsTest {

    @Test
    void joinResolvesDotDotAgainstTheNamespaceRoot() {
        assertThat(CgroupNamespaceRoots.join("/", "/docker/x")).isEqualTo("/docker/x");
        assertThat(CgroupNamespaceRoots.join("/nscope-agent", "/../system.slice/a.scope")).isEqualTo("/system.slice/a.scope");
        assertThat(CgroupNamespaceRoots.join("/a/b", "/../../c")).isEqualTo("/c");
        assertThat(CgroupNamespaceRoots.join("/a/b", "/")).isEqualTo("/a/b");
        assertThat(CgroupNamespaceRoots.join("/a/b", "/child")).isEqualTo("/a/b/child");
        assertThat(CgroupNamespaceRoots.join("/a", "/../../../x")).isEqualTo("/x");
        assertThat(CgroupNamespaceRoots.upLevels("/../../x/y")).isEqualTo(2);
        assertThat(CgroupNamespaceRoots.upLevels("/x/..")).isZero();
    }

    @Test
    void findsTheAgentsRootFromACaptureTakenInsideACgroupNamespace() throws IOException {
        Path tree = Fixtures.unpack(Fixtures.V2_CASES).resolve("cgroupns");
        int self = Integer.parseInt(Files.readString(tree.resolve("agent-pid")).trim());
        CgroupLayout layout = CgroupLayout.detect(tree.resolve("sys/fs/cgroup"));
        // kthreadd sits in the real root: from inside the namespace it reads "/.."
        String kthread = Files.readString(tree.resolve("proc/2/cgroup")).trim().substring(3);
        assertThat(kthread).isEqualTo("/..");
        CgroupNamespaceRoots roots = CgroupNamespaceRoots.discover(layout, self, new String[] {kthread});
        assertThat(roots.unresolved()).isEmpty();
        assertThat(roots.root(layout.unified())).isEqualTo("/nscope-agent");
        assertThat(roots.normalize(layout.unified(), "/../system.slice/x.scope")).isEqualTo("/system.slice/x.scope");
    }

    @Test
    void anUnfoundRootIsReportedAndPathsOnlyLoseTheirDotDots() {
        CgroupLayout layout = CgroupLayout.detect(Fixtures.paths(Fixtures.V2_NODE).cgroupRoot());
        CgroupNamespaceRoots roots = CgroupNamespaceRoots.discover(layout, 999_999, new String[] {"/../.."});
        assertThat(roots.unresolved()).containsExactly("");
        assertThat(roots.normalize(layout.unified(), "/../../system.slice/x.scope")).isEqualTo("/system.slice/x.scope");
    }
}
