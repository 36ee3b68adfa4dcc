package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcSyscallTest {
    private static ProcSyscall parse(String s) throws MalformedFileException {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ProcSyscall.parse(b, b.length);
    }

    private static ProcSyscall captured(HostPaths paths, int pid) throws IOException {
        FileBytes b = new FileBytes().read(paths.pidFile(pid, "syscall"));
        return ProcSyscall.parse(b.data(), b.length());
    }

    @Test
    void tiniWaitsInRtSigtimedwaitOnX8664() throws IOException {
        ProcSyscall s = captured(Fixtures.paths(Fixtures.V2_CASES, "host"), 448);
        assertThat(s.kind()).isEqualTo(ProcSyscall.Kind.IN_SYSCALL);
        assertThat(s.number()).isEqualTo(128);
        assertThat(s.isIn(128)).isTrue();
        assertThat(s.sp()).isEqualTo(0x7ffd91d7b010L);
        assertThat(s.pc()).isEqualTo(0x40a2bfL);
    }

    @Test
    void capturedWaitsOfOtherPid1s() throws IOException {
        HostPaths docker = Fixtures.paths(Fixtures.V1_DOCKER);
        assertThat(captured(docker, 21528).number()).as("busybox sleep: nanosleep").isEqualTo(230);
        assertThat(captured(docker, 22170).number()).as("catatonit: read on its signalfd").isZero();
        assertThat(captured(docker, 22268).number()).as("unshare: wait4").isEqualTo(61);
        assertThat(captured(docker, 21909).describe()).isEqualTo("130");
    }

    @Test
    void runningAndBlockedOutsideASyscall() throws MalformedFileException {
        assertThat(parse("running\n")).isEqualTo(ProcSyscall.RUNNING);
        assertThat(parse("running").describe()).isEqualTo("running");
        ProcSyscall s = parse("-1 0x7ffc8e3ff7d0 0x40a2bf\n");
        assertThat(s.kind()).isEqualTo(ProcSyscall.Kind.NOT_IN_SYSCALL);
        assertThat(s.number()).isEqualTo(-1);
        assertThat(s.isIn(128)).isFalse();
        assertThat(s.sp()).isEqualTo(0x7ffc8e3ff7d0L);
        assertThat(s.describe()).isEqualTo("-1");
    }

    @Test
    void fullWidthWords() throws MalformedFileException {
        ProcSyscall s = parse("137 0xffffffffffffffff 0x8000000000000000 0x0 0x8 0x0 0x0 0xfffffffffffffff0 0x8000000000000000\n");
        assertThat(s.number()).isEqualTo(137);
        assertThat(s.sp()).isEqualTo(0xfffffffffffffff0L);
        assertThat(s.pc()).isEqualTo(Long.MIN_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "   ", "runnin", "running 0x1", "sleeping",
            "128", "128 0x1 0x2", "128 1 2 3 4 5 6 7 8", "128 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9",
            "-1 0x1", "-2 0x1 0x2", "x128 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
            "128 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0xzz", "128 0x 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
            "128 0x11111111111111111 0x2 0x3 0x4 0x5 0x6 0x7 0x8", "running\nrunning\n", "99999999999 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8"})
    void garbageIsMalformed(String s) {
        assertThatThrownBy(() -> parse(s)).isInstanceOf(MalformedFileException.class);
    }
}
