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

    @Test
    void aDefaultDockerContainerHasTheRuntimesFourteenCapabilitiesAndOneSeccompFilter() throws IOException {
        ProcStatus s = read(ProcMountinfoTest.DIR.resolve("docker-default.status"));
        assertThat(s.capEff()).isEqualTo(0xa80425fbL);
        ProcStatus.Security sec = s.security();
        assertThat(sec.capPrm()).isEqualTo(0xa80425fbL);
        assertThat(sec.capBnd()).isEqualTo(0xa80425fbL);
        assertThat(sec.capAmb()).isZero();
        assertThat(sec.euid()).isZero();
        assertThat(sec.egid()).isZero();
        assertThat(sec.noNewPrivs()).isZero();
        assertThat(sec.seccomp()).isEqualTo(2);
        assertThat(sec.seccompFilters()).isEqualTo(1);
    }

    @Test
    void aConfinedContainerRunsAsUid1000WithNoCapabilitiesAndNoNewPrivileges() throws IOException {
        ProcStatus s = read(ProcMountinfoTest.DIR.resolve("docker-confined.status"));
        assertThat(s.uid()).isEqualTo(1000);
        assertThat(s.capEff()).isZero();
        assertThat(s.security().euid()).isEqualTo(1000);
        assertThat(s.security().egid()).isEqualTo(1000);
        assertThat(s.security().capBnd()).isZero();
        assertThat(s.security().noNewPrivs()).isEqualTo(1);
    }

    @Test
    void aRemappedUserNamespacesRootShowsItsHostUid() throws IOException {
        ProcStatus s = read(ProcMountinfoTest.DIR.resolve("userns-remapped.status"));
        assertThat(s.uid()).as("the reader's view: the host's").isEqualTo(100000);
        assertThat(s.security().euid()).isEqualTo(100000);
        assertThat(s.capEff()).as("every capability, in its own namespace").isEqualTo(0x1ffffffffffL);
        assertThat(s.security().seccomp()).isZero();
    }

    @Test
    void linesAnOlderKernelDoesNotWriteAreUnknownNotZero() throws MalformedFileException {
        byte[] b = "Tgid:\t9\nPPid:\t1\nUid:\t4294967294\t4294967294\t0\t0\nSigBlk:\t0\nCapEff:\t0000000000000000\n"
                .getBytes(StandardCharsets.US_ASCII);
        ProcStatus s = ProcStatus.parse(b, b.length);
        assertThat(s.uid()).as("uids are 32 bits unsigned").isEqualTo(4294967294L);
        assertThat(s.security().noNewPrivs()).isEqualTo(-1);
        assertThat(s.security().seccomp()).isEqualTo(-1);
        assertThat(s.security().seccompFilters()).isEqualTo(-1);
        assertThat(s.security().capAmb()).isEqualTo(-1);
        assertThat(s.security().egid()).isEqualTo(-1);
    }
}
