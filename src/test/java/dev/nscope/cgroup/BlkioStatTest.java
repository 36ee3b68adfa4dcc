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

class BlkioStatTest {

    private static BlkioStat parse(byte[] b) throws MalformedFileException {
        return BlkioStat.parse(b, b.length);
    }

    @Test
    void containerWithoutCountedIo() throws Exception {
        Path blkio = KernelFiles.v1Docker().resolve("blkio").resolve(KernelFiles.FX_LIMITS);
        assertThat(parse(bytes(blkio.resolve("blkio.throttle.io_service_bytes")))).isEqualTo(new BlkioStat(List.of(), 0));
        assertThat(parse(bytes(blkio.resolve("blkio.throttle.io_serviced")))).isEqualTo(new BlkioStat(List.of(), 0));
    }

    @Test
    void bytesAndOperationsPerDevice() throws Exception {
        assertThat(parse(KernelFiles.resource("blkio-throttle/blkio.throttle.io_service_bytes")))
                .isEqualTo(new BlkioStat(List.of(new BlkioStat.Entry("254:0", 4194304, 4194304)), 8388608));
        assertThat(parse(KernelFiles.resource("blkio-throttle/blkio.throttle.io_serviced")))
                .isEqualTo(new BlkioStat(List.of(new BlkioStat.Entry("254:0", 64, 64)), 128));
    }

    @Test
    void severalDevicesInFileOrder() throws Exception {
        BlkioStat s = parse(ascii("8:16 Read 10\n8:16 Write 20\n8:16 Sync 30\n8:16 Async 0\n8:16 Total 30\n"
                + "8:0 Read 1\n8:0 Write 2\n8:0 Sync 3\n8:0 Async 0\n8:0 Total 3\nTotal 33\n"));
        assertThat(s.devices()).containsExactly(new BlkioStat.Entry("8:16", 10, 20), new BlkioStat.Entry("8:0", 1, 2));
        assertThat(s.total()).isEqualTo(33);
    }

    @Test
    void truncatedRealFileIsMalformed() {
        byte[] b = KernelFiles.resource("blkio-throttle/blkio.throttle.io_service_bytes");
        int cut = new String(b).indexOf("\nTotal") + 1;
        assertThatThrownBy(() -> BlkioStat.parse(b, cut)).isInstanceOf(MalformedFileException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "254:0 Read 5\n", "254:0 Read x\nTotal 0\n", "Total 0\n254:0 Read 5\n",
            "Read 5\nTotal 5\n", "sda Read 1\nTotal 1\n", "Total\n", "Total -1\n", "254:0 Read 5 6\nTotal 0\n"})
    void malformed(String content) {
        assertThatThrownBy(() -> parse(ascii(content))).isInstanceOf(MalformedFileException.class);
    }
}
