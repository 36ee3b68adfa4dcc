package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcCgroupTest {

    private static List<ProcCgroup.Entry> read(Path file) throws IOException {
        FileBytes buf = new FileBytes().read(file.toString());
        return ProcCgroup.parse(buf.data(), buf.length());
    }

    private static List<ProcCgroup.Entry> parse(String s) throws MalformedFileException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ProcCgroup.parse(b, b.length);
    }

    @Test
    void pureV2HasOneUnifiedLine() throws IOException {
        List<ProcCgroup.Entry> e = read(Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/448/cgroup"));
        assertThat(e).hasSize(1);
        assertThat(e.get(0).isUnified()).isTrue();
        assertThat(e.get(0).path()).isEqualTo("/kubepods.slice/kubepods-besteffort.slice/"
                + "kubepods-besteffort-pod7e0c2a51_93d4_4c7e_a0b2_5d1f6e8a9c30.slice/crio-" + "1e".repeat(32) + ".scope");
    }

    @Test
    void hybridV1HasALinePerHierarchyAndTheEmptyV2One() throws IOException {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        String inspect = Files.readString(root.resolve("docker-inspect.txt"));
        String line = inspect.lines().filter(l -> l.contains("/fx-plain ")).findFirst().orElseThrow();
        String id = line.split(" ")[0];
        String pid = line.split(" ")[2];
        List<ProcCgroup.Entry> e = read(root.resolve("proc/" + pid + "/cgroup"));
        assertThat(e).extracting(ProcCgroup.Entry::controllers)
                .contains("name=systemd", "pids", "memory", "cpu", "cpuacct", "blkio", "");
        assertThat(e).allSatisfy(x -> assertThat(x.path()).isEqualTo("/docker/" + id));
        assertThat(e.stream().filter(ProcCgroup.Entry::isUnified)).hasSize(1);
    }

    @Test
    void pathsOutsideTheReadersCgroupNamespaceStartWithDotDot() throws IOException {
        Path tree = Fixtures.unpack(Fixtures.V2_CASES).resolve("cgroupns");
        List<ProcCgroup.Entry> e = read(tree.resolve("proc/448/cgroup"));
        assertThat(e.get(0).path()).isEqualTo("/../system.slice/docker-" + "a1".repeat(32) + ".scope");
    }

    @Test
    void deletedSuffixAndColonsInNames() throws MalformedFileException {
        List<ProcCgroup.Entry> e = parse("0::/gone (deleted)\n3:cpu,cpuacct:/a:b\n");
        assertThat(e.get(0).path()).isEqualTo("/gone");
        assertThat(e.get(1).controllers()).isEqualTo("cpu,cpuacct");
        assertThat(e.get(1).path()).isEqualTo("/a:b");
        assertThat(e.get(1).isUnified()).isFalse();
    }

    @Test
    void liveSelf() throws IOException {
        assertThat(read(Path.of("/proc/self/cgroup"))).isNotEmpty();
    }

    @Test
    void malformedInputIsATypedError() {
        for (String bad : new String[] {"", "\n", "0:/x\n", "x::/a\n", "0::relative\n", "-1::/a\n"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }
}
