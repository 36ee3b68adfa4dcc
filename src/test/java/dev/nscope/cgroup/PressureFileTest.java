package dev.nscope.cgroup;

import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static dev.nscope.cgroup.KernelFiles.ascii;
import static dev.nscope.cgroup.KernelFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PressureFileTest {

    private static PressureFile parse(byte[] b) throws MalformedFileException {
        return PressureFile.parse(b, b.length);
    }

    /** The some and full totals (full null when the file has no full line). */
    private static List<Long> totals(PressureFile p) {
        return java.util.Arrays.asList(p.someTotalUsec(), p.fullTotalUsec());
    }

    @Test
    void throttledContainer() throws Exception {
        Path d1 = KernelFiles.v2Cases().resolve(KernelFiles.D1);
        PressureFile cpu = parse(bytes(d1.resolve("cpu.pressure")));
        assertThat(totals(cpu)).containsExactly(5339936L, 5339936L);
        assertThat(totals(parse(bytes(d1.resolve("memory.pressure"))))).containsExactly(21L, 21L);
        assertThat(totals(parse(bytes(d1.resolve("io.pressure"))))).containsExactly(3836L, 3836L);
        // some avg10=32.66 avg60=6.84 avg300=1.46 total=5339936, and the same full line
        assertThat(cpu.some()).isEqualTo(new PressureFile.Line(5339936, 32.66, 6.84, 1.46));
        assertThat(cpu.full()).isEqualTo(new PressureFile.Line(5339936, 32.66, 6.84, 1.46));
    }

    @Test
    void rootCpuFullIsZeroNotAbsent() throws Exception {
        assertThat(totals(parse(bytes(KernelFiles.v2Cases().resolve("cpu.pressure"))))).containsExactly(5364101L, 0L);
    }

    @Test
    void cpuPressureBefore513HasNoFullLine() throws Exception {
        PressureFile p = parse(ascii("some avg10=0.00 avg60=0.00 avg300=0.00 total=12345\n"));
        assertThat(totals(p)).containsExactly(12345L, null);
        assertThat(p.full()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "some avg10=0.00 avg60=0.00 avg300=0.00\n",
            "full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", "other avg10=0.00 total=1\n",
            "some avg10=0.00 avg60=0.00 avg300=0.00 total=x\n", "some avg10=0.00 avg60=0.00 avg300=0.00 total=\n",
            "some avg10=1.00 avg60=0.00 avg300=0.00 total=5\nfull avg10=0"})
    void malformed(String content) {
        assertThatThrownBy(() -> parse(ascii(content))).isInstanceOf(MalformedFileException.class);
    }
}
