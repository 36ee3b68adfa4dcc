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

/** {@code cpu.max} (v2) and {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us} (v1). */
class CpuMaxTest {

    private static CpuMax cpuMax(Path p) throws MalformedFileException {
        byte[] b = bytes(p);
        return CpuMax.parse(b, b.length);
    }

    @Test
    void v2QuotaAndNoQuota() throws Exception {
        CpuMax d1 = cpuMax(KernelFiles.v2Cases().resolve(KernelFiles.D1).resolve("cpu.max"));
        assertThat(d1).isEqualTo(new CpuMax(25000L, 100000));
        assertThat(d1.quotaCores()).isEqualTo(0.25);
        CpuMax e1 = cpuMax(KernelFiles.v2Cases().resolve(KernelFiles.E1).resolve("cpu.max"));
        assertThat(e1).isEqualTo(new CpuMax(null, 100000));
        assertThat(e1.quotaCores()).isNull();
        assertThat(cpuMax(KernelFiles.v2Node().resolve(KernelFiles.CRIO_1E).resolve("cpu.max")).quotaCores())
                .isEqualTo(0.5);
    }

    @Test
    void v1QuotaAndPeriod() throws Exception {
        Path cpu = KernelFiles.v1Docker().resolve("cpu").resolve(KernelFiles.FX_LIMITS);
        byte[] q = bytes(cpu.resolve("cpu.cfs_quota_us"));
        byte[] p = bytes(cpu.resolve("cpu.cfs_period_us"));
        assertThat(CpuCfs.parseQuota(q, q.length)).isEqualTo(50000L);
        assertThat(CpuCfs.parsePeriod(p, p.length)).isEqualTo(100000L);
        byte[] none = ascii("-1\n");
        assertThat(CpuCfs.parseQuota(none, none.length)).isNull();
        byte[] zero = ascii("0\n");
        assertThat(CpuCfs.parseQuota(zero, zero.length)).isZero();
    }

    @Test
    void liveV1RootHasNoQuota() throws Exception {
        Path live = HostPaths.live().cgroupRoot().resolve("cpu/cpu.cfs_quota_us");
        assumeTrue(Files.isReadable(live), "no v1 cpu hierarchy on this host");
        byte[] q = bytes(live);
        assertThat(CpuCfs.parseQuota(q, q.length)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "25000\n", "max\n", "25000 0\n", "x 100000\n", "25000 100000 7\n",
            "25000 -100000\n", "-1 100000\n"})
    void malformedCpuMax(String content) {
        byte[] b = ascii(content);
        assertThatThrownBy(() -> CpuMax.parse(b, b.length)).isInstanceOf(MalformedFileException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "-2\n", "abc\n", "50000 1\n"})
    void malformedQuota(String content) {
        byte[] b = ascii(content);
        assertThatThrownBy(() -> CpuCfs.parseQuota(b, b.length)).isInstanceOf(MalformedFileException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0\n", "-1\n", "max\n"})
    void malformedPeriod(String content) {
        byte[] b = ascii(content);
        assertThatThrownBy(() -> CpuCfs.parsePeriod(b, b.length)).isInstanceOf(MalformedFileException.class);
    }
}
