package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcCmdlineTest {
    private static List<String> parse(byte[] b) {
        return ProcCmdline.parse(b, b.length);
    }

    @Test
    void capturedArgv() throws IOException {
        FileBytes b = new FileBytes().read(Fixtures.paths(Fixtures.V2_CASES, "host").pidFile(448, "cmdline"));
        assertThat(ProcCmdline.parse(b.data(), b.length()))
                .containsExactly("tini", "-s", "--", "sh", "-c", "sleep 100000 & sleep 100000 & wait");
        b.read(Fixtures.paths(Fixtures.V1_DOCKER).pidFile(21594, "cmdline"));
        assertThat(ProcCmdline.parse(b.data(), b.length()))
                .containsExactly("/sbin/docker-init", "--", "sh", "-c", "sleep 100000 & wait");
    }

    @Test
    void emptyForKernelThreadsAndZombies() {
        assertThat(parse(new byte[0])).isEmpty();
    }

    @Test
    void rewrittenArgvWithoutNulAndEmptyArguments() {
        assertThat(parse("nginx: master process".getBytes(StandardCharsets.UTF_8))).containsExactly("nginx: master process");
        assertThat(parse("a\0\0b\0".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "", "b");
    }

    @Test
    void invalidUtf8IsReplacedNotThrown() {
        assertThat(parse(new byte[] {'s', 'h', (byte) 0xff, 0})).containsExactly("sh\uFFFD");
    }

    @Test
    void onlyTheFirstArgumentsAreKept() {
        byte[] many = "x\0".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        assertThat(parse(many)).hasSize(ProcCmdline.MAX_ARGS);
    }
}
