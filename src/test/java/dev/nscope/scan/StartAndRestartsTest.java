package dev.nscope.scan;

import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.MalformedFileException;
import dev.nscope.proc.ProcSystemStat;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When a container started (its PID 1's start time against the boot time) and how many times another PID 1
 * took the place of its last one: on the v2 cases capture, with PID 1's start time changed as a restart
 * changes it, and with the container gone for a pass and back.
 */
class StartAndRestartsTest {
    static final String CONTAINERD = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1";
    @TempDir
    Path tmp;
    Path proc;
    Scanner scanner;

    @BeforeEach
    void tree() throws Exception {
        Path root = tmp.resolve("tree");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V2_CASES).resolve("host").toString(), root.toString())
                .start().waitFor()).isZero();
        proc = root.resolve("proc");
        scanner = new Scanner(new HostPaths(proc, root.resolve("sys")));
    }

    @Test
    void theBootTimeIsReadFromProcStat() throws IOException {
        FileBytes b = new FileBytes().read(proc.resolve("stat").toString());
        assertThat(ProcSystemStat.bootTimeSeconds(b.data(), b.length())).isEqualTo(1795889556L);
        byte[] none = "cpu  1 2 3\nctxt 5\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ProcSystemStat.bootTimeSeconds(none, none.length)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void aContainerStartedWhenItsPid1Did() {
        ContainerSnapshot c = scanner.scan().find(CONTAINERD).orElseThrow();
        // PID 1 (pid 457) started 2580 ticks (25.8 s at 100 Hz) after the boot at 1795889556
        assertThat(c.pid1().hostPid()).isEqualTo(457);
        assertThat(c.startedAt()).isEqualTo(Instant.ofEpochSecond(1795889556L + 25, 800_000_000));
        assertThat(c.restarts()).isZero();
    }

    @Test
    void anotherPid1UnderTheSameIdIsARestartWhetherOrNotAPassSawTheContainerGone() throws IOException {
        assertThat(scanner.scan().find(CONTAINERD).orElseThrow().restarts()).isZero();
        startTime(457, 5000);
        ContainerSnapshot once = scanner.scan().find(CONTAINERD).orElseThrow();
        assertThat(once.restarts()).isEqualTo(1);
        assertThat(once.startedAt()).isEqualTo(Instant.ofEpochSecond(1795889556L + 50));
        assertThat(scanner.scan().find(CONTAINERD).orElseThrow().restarts()).as("counted once").isEqualTo(1);
        // gone for a pass (its processes, the unshare that made it included, are not there), then back with yet another PID 1
        Path hidden = tmp.resolve("hidden");
        Files.createDirectories(hidden);
        for (String pid : new String[] {"455", "457", "472"}) {
            Files.move(proc.resolve(pid), hidden.resolve(pid));
        }
        assertThat(scanner.scan().find(CONTAINERD)).isEmpty();
        for (String pid : new String[] {"455", "457", "472"}) {
            Files.move(hidden.resolve(pid), proc.resolve(pid));
        }
        startTime(457, 7000);
        assertThat(scanner.scan().find(CONTAINERD).orElseThrow().restarts()).isEqualTo(2);
    }

    /** Gives the process another start time: the kernel's word for another process under the same pid. */
    void startTime(int pid, long ticks) throws IOException {
        Path stat = proc.resolve(pid + "/stat");
        String s = Files.readString(stat);
        int close = s.lastIndexOf(')');
        String[] after = s.substring(close + 2).split(" ");
        after[19] = String.valueOf(ticks);
        Files.writeString(stat, s.substring(0, close + 2) + String.join(" ", after));
    }
}
