package dev.nscope.cgroup;

import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static dev.nscope.cgroup.KernelFiles.ascii;
import static dev.nscope.cgroup.KernelFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PressureFileTest {

    private static PressureFile parse(byte[] b) throws MalformedFileException {
        return PressureFile.parse(b, b.length);
    }

    @Test
    void throttledContainer() throws Exception {
        Path d1 = KernelFiles.v2Cases().resolve(KernelFiles.D1);
        assertThat(parse(bytes(d1.resolve("cpu.pressure")))).isEqualTo(new PressureFile(5339936, 5339936L));
        assertThat(parse(bytes(d1.resolve("memory.pressure")))).isEqualTo(new PressureFile(21, 21L));
        assertThat(parse(bytes(d1.resolve("io.pressure")))).isEqualTo(new PressureFile(3836, 3836L));
    }

    @Test
    void rootCpuFullIsZeroNotAbsent() throws Exception {
        assertThat(parse(bytes(KernelFiles.v2Cases().resolve("cpu.pressure")))).isEqualTo(new PressureFile(5364101, 0L));
    }

    @Test
    void cpuPressureBefore513HasNoFullLine() throws Exception {
        assertThat(parse(ascii("some avg10=0.00 avg60=0.00 avg300=0.00 total=12345\n")))
                .isEqualTo(new PressureFile(12345, null));
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
