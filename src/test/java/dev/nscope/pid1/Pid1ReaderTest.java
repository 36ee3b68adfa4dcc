package dev.nscope.pid1;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class Pid1ReaderTest {
    @TempDir
    Path tmp;

    /** A copy of a captured PID 1's files, for the shapes a capture lacks. */
    private HostPaths copyOf(HostPaths from, int pid) throws IOException {
        Path dir = tmp.resolve("proc").resolve(Integer.toString(pid));
        Files.createDirectories(dir);
        Files.createDirectories(tmp.resolve("sys"));
        for (String f : List.of("stat", "status", "syscall", "wchan", "cmdline", "comm")) {
            Files.copy(Path.of(from.pidFile(pid, f)), dir.resolve(f));
        }
        return new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"));
    }

    @Test
    void readsEveryFileOfACapturedPid1() {
        ErrorCounts errors = new ErrorCounts();
        Pid1Facts f = new Pid1Reader(Fixtures.paths(Fixtures.V2_CASES, "host")).read(448, 2579, "tini", "/bin/tini", Signals.SIGTERM, errors);
        assertThat(f.status().sigIgn()).isEqualTo(0x300006L);
        assertThat(f.syscall().number()).isEqualTo(128);
        assertThat(f.wchan()).isEqualTo("do_sigtimedwait.isra.0");
        assertThat(f.argv()).startsWith("tini", "-s", "--");
        assertThat(f.children()).isEmpty();
        assertThat(errors.snapshot().values()).allMatch(n -> n == 0);
    }

    @Test
    void withoutPtraceRightsWchanReadsZeroAndTiniIsKnownByName() throws IOException {
        HostPaths paths = copyOf(Fixtures.paths(Fixtures.V2_CASES, "host"), 448);
        Files.writeString(Path.of(paths.pidFile(448, "wchan")), "0");
        Files.delete(Path.of(paths.pidFile(448, "syscall")));
        Pid1Facts f = new Pid1Reader(paths).read(448, 2579, "tini", null, Signals.SIGTERM, new ErrorCounts());
        assertThat(f.syscall()).isNull();
        assertThat(f.wchan()).isNull();
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());
        a.analyze("c", f, 0);
        Pid1Result r = a.analyze("c", f, 1);
        assertThat(r.initKind()).isEqualTo("tini");
        assertThat(r.look().init().by()).isEqualTo("comm tini (exe unreadable)");
        assertThat(r.catchesSigterm()).isTrue();
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void aMalformedFileIsCountedAndLeftOut() throws IOException {
        HostPaths paths = copyOf(Fixtures.paths(Fixtures.V2_CASES, "host"), 556);
        Files.writeString(Path.of(paths.pidFile(556, "syscall")), "garbage\n");
        ErrorCounts errors = new ErrorCounts();
        Pid1Facts f = new Pid1Reader(paths).read(556, 2700, "python3", "/usr/bin/python3.12", Signals.SIGTERM, errors);
        assertThat(f.syscall()).isNull();
        assertThat(f.wchan()).isEqualTo("hrtimer_nanosleep");
        assertThat(f.status()).isNotNull();
        assertThat(errors.get(ErrorKind.MALFORMED)).isEqualTo(1);
    }

    @Test
    void aStatusTheScannerReadInThisPassIsNotReadAgain() throws IOException {
        HostPaths paths = copyOf(Fixtures.paths(Fixtures.V2_CASES, "host"), 448);
        Path status = Path.of(paths.pidFile(448, "status"));
        byte[] bytes = Files.readAllBytes(status);
        dev.nscope.proc.ProcStatus parsed = dev.nscope.proc.ProcStatus.parse(bytes, bytes.length);
        Files.delete(status); // read it and the process would count as vanished
        ErrorCounts errors = new ErrorCounts();
        Pid1Facts f = new Pid1Reader(paths).read(448, 2579, "tini", "/bin/tini", Signals.SIGTERM, parsed, null, errors);
        assertThat(f.status()).isSameAs(parsed);
        assertThat(f.argv()).startsWith("tini", "-s", "--");
        assertThat(errors.snapshot().values()).as("status not tried, nothing vanished").allMatch(n -> n == 0);
        assertThat(f.syscall().number()).isEqualTo(128);
    }

    @Test
    void aVanishedPid1LeavesEverythingNull() {
        ErrorCounts errors = new ErrorCounts();
        Pid1Facts f = new Pid1Reader(Fixtures.paths(Fixtures.V2_CASES, "host")).read(999_999, 1, "gone", null, Signals.SIGTERM, errors);
        assertThat(f.status()).isNull();
        assertThat(f.syscall()).isNull();
        assertThat(f.argv()).isEmpty();
        assertThat(errors.get(ErrorKind.VANISHED)).isEqualTo(1);
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of());
        a.analyze("c", f, 0);
        assertThat(a.analyze("c", f, 1).catchesSigterm()).isNull();
    }
}
