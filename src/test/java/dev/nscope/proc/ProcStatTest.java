package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcStatTest {

    private static ProcStat parse(String s) throws MalformedFileException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ProcStat.parse(b, b.length);
    }

    private static ProcStat read(Path file) throws IOException {
        FileBytes buf = new FileBytes().read(file.toString());
        return ProcStat.parse(buf.data(), buf.length());
    }

    @Test
    void readsTheFieldsOfARealStatFile() throws IOException {
        // catatonit, PID 1 of the CRI-O pod sandbox in the shared v2 capture
        ProcStat s = read(Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/430/stat"));
        assertThat(s.pid()).isEqualTo(430);
        assertThat(s.comm()).isEqualTo("catatonit");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(428);
        assertThat(s.pgrp()).isEqualTo(414);
        assertThat(s.session()).isEqualTo(412);
        assertThat(s.numThreads()).isEqualTo(1);
        assertThat(s.startTime()).isEqualTo(2563);
        assertThat(s.vsize()).isEqualTo(1040384);
        assertThat(s.rss()).isEqualTo(134);
        assertThat(s.isKernelThread()).isFalse();
    }

    @Test
    void everyStatFileOfEveryCaptureParses() throws IOException {
        for (String archive : new String[] {Fixtures.V2_NODE, Fixtures.V1_DOCKER}) {
            File[] dirs = Fixtures.unpack(archive).resolve("proc").toFile().listFiles(f -> f.getName().matches("\\d+"));
            assertThat(dirs).isNotEmpty();
            for (File d : dirs) {
                ProcStat s = read(d.toPath().resolve("stat"));
                assertThat(s.pid()).isEqualTo(Integer.parseInt(d.getName()));
                assertThat(s.startTime()).isPositive();
            }
        }
    }

    @Test
    void kernelThreadIsMarkedByItsFlags() throws IOException {
        ProcStat kthreadd = read(Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/2/stat"));
        assertThat(kthreadd.comm()).isEqualTo("kthreadd");
        assertThat(kthreadd.isKernelThread()).isTrue();
    }

    @Test
    void liveSelf() throws IOException {
        ProcStat s = read(Path.of("/proc/self/stat"));
        assertThat(s.pid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(s.numThreads()).isGreaterThan(1);
        assertThat(s.state()).isIn('R', 'S');
    }

    @Test
    void commIsBetweenTheFirstOpenAndTheLastCloseParenthesis() throws MalformedFileException {
        ProcStat s = parse("77 (a) (b) c) Z 1 77 77 0 -1 4194560 0 0 0 0 3 4 0 0 20 0 5 0 999 0 0 18446744073709551615 0");
        assertThat(s.comm()).isEqualTo("a) (b) c");
        assertThat(s.state()).isEqualTo('Z');
        assertThat(s.isZombie()).isTrue();
        assertThat(s.utime()).isEqualTo(3);
        assertThat(s.stime()).isEqualTo(4);
        assertThat(s.numThreads()).isEqualTo(5);
        assertThat(s.startTime()).isEqualTo(999);
    }

    @Test
    void commWithInvalidUtf8IsDecodedLeniently() throws MalformedFileException {
        byte[] head = "5 (".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ") S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, b, 0, head.length);
        b[head.length] = (byte) 0xff;
        b[head.length + 1] = (byte) 0xfe;
        System.arraycopy(tail, 0, b, head.length + 2, tail.length);
        ProcStat s = ProcStat.parse(b, b.length);
        assertThat(s.comm()).hasSize(2).contains("\uFFFD");
        assertThat(s.startTime()).isEqualTo(7);
    }

    @Test
    void malformedInputIsATypedError() {
        for (String bad : new String[] {"", "1 (x", "x (y) S 1", "1 (x) S 1 2 3", "1 (x) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0",
                "1 (x) S a 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0", "-5 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }
}
