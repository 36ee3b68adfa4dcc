package dev.nscope.cgroup;

import dev.nscope.host.HostPaths;
import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nscope.cgroup.KernelFiles.ascii;
import static dev.nscope.cgroup.KernelFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SingleValueFileTest {

    private static long value(Path p) throws MalformedFileException {
        byte[] b = bytes(p);
        return SingleValueFile.parse(b, b.length);
    }

    private static Long limit(Path p) throws MalformedFileException {
        byte[] b = bytes(p);
        return SingleValueFile.parseLimit(b, b.length);
    }

    private static Long limit(String s) throws MalformedFileException {
        byte[] b = ascii(s);
        return SingleValueFile.parseLimit(b, b.length);
    }

    @Test
    void v2Figures() throws Exception {
        Path d1 = KernelFiles.v2Cases().resolve(KernelFiles.D1);
        assertThat(value(d1.resolve("memory.current"))).isEqualTo(1691648L);
        assertThat(value(d1.resolve("memory.peak"))).isEqualTo(67108864L);
        assertThat(limit(d1.resolve("memory.max"))).isEqualTo(64L << 20);
        assertThat(limit(d1.resolve("pids.max"))).isEqualTo(40L);
        Path e1 = KernelFiles.v2Cases().resolve(KernelFiles.E1);
        assertThat(limit(e1.resolve("memory.max"))).isNull();
        assertThat(limit(e1.resolve("pids.max"))).isEqualTo(10L);
        assertThat(value(e1.resolve("pids.current"))).isZero();
        Path node = KernelFiles.v2Node();
        assertThat(limit(node.resolve(KernelFiles.DOCKER_3C).resolve("memory.max"))).isEqualTo(32L << 20);
        assertThat(limit(node.resolve(KernelFiles.DOCKER_3C).resolve("pids.max"))).isNull();
        assertThat(limit(node.resolve(KernelFiles.CRIO_1E).resolve("pids.max"))).isEqualTo(100L);
    }

    @Test
    void v1Figures() throws Exception {
        Path v1 = KernelFiles.v1Docker();
        Path mem = v1.resolve("memory").resolve(KernelFiles.FX_LIMITS);
        assertThat(limit(mem.resolve("memory.limit_in_bytes"))).isEqualTo(64L << 20);
        assertThat(value(mem.resolve("memory.usage_in_bytes"))).isEqualTo(450560L);
        assertThat(value(mem.resolve("memory.max_usage_in_bytes"))).isEqualTo(67108864L);
        assertThat(value(v1.resolve("cpuacct").resolve(KernelFiles.FX_LIMITS).resolve("cpuacct.usage")))
                .isEqualTo(4469834443L);
        assertThat(limit(v1.resolve("pids").resolve(KernelFiles.FX_LIMITS).resolve("pids.max"))).isEqualTo(50L);
    }

    @Test
    void v1UnlimitedIsAHugeNumber() throws Exception {
        assertThat(limit("9223372036854771712\n")).isNull();
        assertThat(limit("4611686018427387904\n")).isNull(); // 2^62
        assertThat(limit("4611686018427387903\n")).isEqualTo(4611686018427387903L);
        assertThat(limit("0\n")).isZero();
        Path live = HostPaths.live().cgroupRoot().resolve("memory/memory.limit_in_bytes");
        assumeTrue(Files.isReadable(live), "no v1 memory hierarchy on this host");
        assertThat(limit(live)).isNull();
    }

    @Test
    void u64Saturates() throws Exception {
        byte[] b = ascii("18446744073709551615\n");
        assertThat(SingleValueFile.parse(b, b.length)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void maxIsNotACounter() {
        byte[] b = ascii("max\n");
        assertThatThrownBy(() -> SingleValueFile.parse(b, b.length)).isInstanceOf(MalformedFileException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "   \n", "12 34\n", "-1\n", "abc\n", "12abc\n", "maxx\n", "max 100000\n"})
    void malformed(String content) {
        byte[] b = ascii(content);
        assertThatThrownBy(() -> SingleValueFile.parse(b, b.length)).isInstanceOf(MalformedFileException.class);
        assertThatThrownBy(() -> SingleValueFile.parseLimit(b, b.length)).isInstanceOf(MalformedFileException.class);
    }
}
