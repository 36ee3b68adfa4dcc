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

class IoStatTest {

    private static List<ContainerStats.Device> parse(byte[] b) throws MalformedFileException {
        return IoStat.parse(b, b.length);
    }

    @Test
    void directIoOfTheLimitsContainer() throws Exception {
        assertThat(parse(bytes(KernelFiles.v2Cases().resolve(KernelFiles.D1).resolve("io.stat"))))
                .containsExactly(new ContainerStats.Device("254:0", 237568, 33554432, 9, 33));
    }

    @Test
    void rootListsDevicesWithoutStatsAsBareNumbersWhichAreLeftOut() throws Exception {
        byte[] root = bytes(KernelFiles.v2Cases().resolve("io.stat"));
        assertThat(new String(root)).contains("7:7 \n");
        assertThat(parse(root)).containsExactly(
                new ContainerStats.Device("254:16", 127950848, 0, 2305, 0),
                new ContainerStats.Device("254:0", 661095424, 39223296, 2943, 210));
    }

    @Test
    void emptyFileIsNoIoNotAnError() throws Exception {
        Path e1 = KernelFiles.v2Cases().resolve(KernelFiles.E1).resolve("io.stat");
        assertThat(bytes(e1)).isEmpty();
        assertThat(parse(bytes(e1))).isEmpty();
    }

    @Test
    void policyKeysAreIgnored() throws Exception {
        assertThat(parse(ascii("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=12 "
                + "use_delay=0\n")))
                .containsExactly(new ContainerStats.Device("8:0", 1, 2, 3, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"254:0 rbytes\n", "sda rbytes=1 wbytes=2 rios=3 wios=4\n", "254 rbytes=1 wbytes=2 rios=3 wios=4\n",
            "254:0 rbytes=x wbytes=2 rios=3 wios=4\n", "254:0 rbytes=1\n", "254:0 rbytes=1 wbytes=2 rios=3 wios=-4\n",
            "254:0 =5\n"})
    void malformed(String content) {
        assertThatThrownBy(() -> parse(ascii(content))).isInstanceOf(MalformedFileException.class);
    }
}
