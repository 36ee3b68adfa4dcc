package dev.nscope.scan;

import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.HostPaths;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nscope.web.command-lines} in the core ({@link ScanOptions#commandLines()}), on a copy of the
 * hybrid Docker capture: off, no process carries a command line; on, each carries its own, read once per
 * identity (pid, start time, command) and again after an exec.
 */
class CommandLinesTest {
    @TempDir
    Path tmp;
    Path proc;
    HostPaths paths;
    ScanOptions off;
    ScanOptions on;

    @BeforeEach
    void copyTheCapture() throws Exception {
        Path copy = tmp.resolve("t");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V1_DOCKER).toString(), copy.toString())
                .start().waitFor()).isZero();
        proc = copy.resolve("proc");
        paths = new HostPaths(proc, copy.resolve("sys"));
        RuntimeDirs d = RuntimeDirs.defaults();
        off = ScanOptions.defaults().withRuntimeDirs(new RuntimeDirs(copy.resolve("var/lib/docker"), d.containerdState(),
                d.containersStorage(), d.userRuntimeDir()));
        on = off.withCommandLines(true);
    }

    static List<ProcessEntry> processes(ScanSnapshot s, String name) {
        return s.find(name).orElseThrow().processList();
    }

    static ProcessEntry pid(ScanSnapshot s, String name, int pid) {
        return processes(s, name).stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
    }

    @Test
    void offByDefaultNoProcessHasACommandLine() {
        assertThat(ScanOptions.defaults().commandLines()).isFalse();
        ScanSnapshot s = new Scanner(paths, off).scan();
        assertThat(s.containers()).isNotEmpty();
        assertThat(s.containers()).allSatisfy(c -> assertThat(c.processList()).allSatisfy(p -> assertThat(p.cmdline()).isNull()));
    }

    @Test
    void onEachProcessCarriesItsArguments() {
        ScanSnapshot s = new Scanner(paths, on).scan();
        assertThat(pid(s, "fx-init", 21594).cmdline()).containsExactly("/sbin/docker-init", "--", "sh", "-c", "sleep 100000 & wait");
        assertThat(pid(s, "fx-init", 21622).cmdline()).containsExactly("sh", "-c", "sleep 100000 & wait");
        assertThat(pid(s, "fx-init", 21623).cmdline()).containsExactly("sleep", "100000");
        // a zombie has no arguments left: an empty list, not null
        ProcessEntry zombie = s.containers().stream().flatMap(c -> c.processList().stream())
                .filter(p -> p.pid() == 21869).findFirst().orElseThrow();
        assertThat(zombie.state()).isEqualTo('Z');
        assertThat(zombie.cmdline()).isEmpty();
    }

    @Test
    void readOncePerIdentityAndAgainAfterAnExec() throws Exception {
        Scanner scanner = new Scanner(paths, on);
        assertThat(pid(scanner.scan(), "fx-init", 21623).cmdline()).containsExactly("sleep", "100000");

        // the same process (pid, start time, comm): not read again
        Files.write(proc.resolve("21623/cmdline"), "sleep\0999\0".getBytes(StandardCharsets.UTF_8));
        assertThat(pid(scanner.scan(), "fx-init", 21623).cmdline()).containsExactly("sleep", "100000");

        // an exec changes the command: read again at once (the process ran: its cgroup's CPU usage moved)
        ran("fx-init");
        Path stat = proc.resolve("21623/stat");
        Files.writeString(stat, Files.readString(stat).replace("(sleep)", "(sleeper)"));
        Files.write(proc.resolve("21623/cmdline"), "sleeper\0--long\0".getBytes(StandardCharsets.UTF_8));
        ProcessEntry p = pid(scanner.scan(), "fx-init", 21623);
        assertThat(p.comm()).isEqualTo("sleeper");
        assertThat(p.cmdline()).containsExactly("sleeper", "--long");

        // a reused pid (another start time) is another process: read again
        ran("fx-init");
        Files.writeString(stat, Files.readString(stat).replaceFirst("^(\\d+ \\(sleeper\\)( \\S+){19}) \\d+", "$1 99999999"));
        Files.write(proc.resolve("21623/cmdline"), "sleeper\0--reused\0".getBytes(StandardCharsets.UTF_8));
        p = pid(scanner.scan(), "fx-init", 21623);
        assertThat(p.startTime()).isEqualTo(99999999L);
        assertThat(p.cmdline()).containsExactly("sleeper", "--reused");
    }

    /** What the kernel does when a container's processes run: its CPU usage moves. */
    void ran(String name) throws Exception {
        String id = Files.readAllLines(proc.getParent().resolve("docker-inspect.txt")).stream()
                .filter(l -> l.contains("/" + name + " ")).findFirst().orElseThrow().split(" ")[0];
        Path usage = proc.getParent().resolve("sys/fs/cgroup/cpuacct/docker/" + id + "/cpuacct.usage");
        Files.writeString(usage, (Long.parseLong(Files.readString(usage).trim()) + 1_000_000) + "\n");
    }

    @Test
    void aHugeCommandLineIsCutAtFourKilobytes() throws Exception {
        String big = "x".repeat(100_000);
        Files.write(proc.resolve("21623/cmdline"), ("sleep\0" + big + "\0").getBytes(StandardCharsets.UTF_8));
        List<String> argv = pid(new Scanner(paths, on).scan(), "fx-init", 21623).cmdline();
        assertThat(argv).hasSize(2);
        assertThat(argv.get(0)).isEqualTo("sleep");
        assertThat(String.join("\0", argv).length()).isEqualTo(ProcessTable.CMDLINE_MAX_BYTES);
    }
}
