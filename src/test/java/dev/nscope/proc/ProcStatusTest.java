package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcStatusTest {

    private static ProcStatus read(Path file) throws IOException {
        FileBytes buf = new FileBytes().read(file.toString());
        return ProcStatus.parse(buf.data(), buf.length());
    }

    @Test
    void catatonitBlocksEverySignalItReadsFromASignalfd() throws IOException {
        ProcStatus s = read(Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/430/status"));
        assertThat(s.tgid()).isEqualTo(430);
        assertThat(s.ppid()).isEqualTo(428);
        assertThat(s.nsPid()).containsExactly(430, 1);
        assertThat(s.isNamespaceInit()).isTrue();
        assertThat(s.nsDepth()).isEqualTo(1);
        assertThat(s.innermostPid()).isEqualTo(1);
        assertThat(s.threads()).isEqualTo(1);
        assertThat(s.sigBlk()).isEqualTo(0xfffffffe3ffbfa07L);
        assertThat(s.sigCgt()).isZero();
        assertThat(s.sigIgn()).isZero();
    }

    @Test
    void theUnshareParentLivesInTheHostsPidNamespace() throws IOException {
        ProcStatus s = read(Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/428/status"));
        assertThat(s.nsPid()).containsExactly(428);
        assertThat(s.isNamespaceInit()).isFalse();
        assertThat(s.nsDepth()).isZero();
    }

    @Test
    void liveSelfHasNoNestedNamespaceAndCapabilities() throws IOException {
        ProcStatus s = read(Path.of("/proc/self/status"));
        assertThat(s.tgid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(s.nsPid()).isNotEmpty();
        assertThat(s.threads()).isGreaterThan(1);
        assertThat(s.capEff()).isNotNegative();
    }

    @Test
    void olderKernelWithoutNSpidGivesNull() throws MalformedFileException {
        byte[] b = "Name:\tx\nTgid:\t9\nPPid:\t1\nThreads:\t1\nSigPnd:\t0\nShdPnd:\t0\nSigBlk:\t0000000000000002\nSigIgn:\t0\nSigCgt:\t0000000000004000\n"
                .getBytes(StandardCharsets.US_ASCII);
        ProcStatus s = ProcStatus.parse(b, b.length);
        assertThat(s.nsPid()).isNull();
        assertThat(s.nsDepth()).isEqualTo(-1);
        assertThat(s.sigBlk()).isEqualTo(2);
        assertThat(s.sigCgt()).isEqualTo(0x4000);
    }

    @Test
    void malformedInputIsATypedError() {
        for (String bad : new String[] {"", "Tgid:\t9\n", "Tgid:\tx\nSigBlk:\t0\n", "Tgid:\t9\nSigBlk:\tzz\n",
                "Tgid:\t9\nNSpid:\t9\t-1\nSigBlk:\t0\n", "Tgid:\t9\nSigBlk:\t00000000000000000000\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> ProcStatus.parse(b, b.length)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }
}
