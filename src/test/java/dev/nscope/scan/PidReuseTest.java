package dev.nscope.scan;

import dev.nscope.host.HostPaths;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pid that exits and comes back as another process is another process: identity is (pid, start time).
 * The kernel is made to hand the same pid out again by setting {@code ns_last_pid} just below it.
 */
class PidReuseTest {

    @Test
    void aReusedPidIsANewProcessInItsOwnContainer() throws Exception {
        Live.requireRoot();
        Path pids = Path.of("/sys/fs/cgroup/pids");
        Live.require(Files.isDirectory(pids) && Files.isWritable(Path.of("/proc/sys/kernel/ns_last_pid")),
                "a v1 pids hierarchy and a writable ns_last_pid (root in the host's pid namespace)");
        String a = "a1".repeat(32);
        String b = "b1".repeat(32);
        Path dirA = Files.createDirectories(pids.resolve("docker/" + a));
        Path dirB = Files.createDirectories(pids.resolve("docker/" + b));
        Process first = new ProcessBuilder("sh", "-c", "echo $$ > " + dirA + "/cgroup.procs; exec sleep 300").start();
        Process second = null;
        try {
            int pid = (int) first.pid();
            Thread.sleep(300);
            Scanner scanner = new Scanner(HostPaths.live());
            ScanSnapshot before = scanner.scan();
            ProcessEntry old = before.find(a).orElseThrow().processList().get(0);
            assertThat(old.pid()).isEqualTo(pid);
            first.destroyForcibly().waitFor(5, TimeUnit.SECONDS);

            // ask the kernel for the same pid again (other processes may take it first: try a few times)
            for (int attempt = 0; attempt < 50 && (second == null || second.pid() != pid); attempt++) {
                if (second != null) {
                    second.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), String.valueOf(pid - 1));
                second = new ProcessBuilder("sh", "-c", "echo $$ > " + dirB + "/cgroup.procs; exec sleep 301").start();
            }
            assertThat(second.pid()).as("the kernel gave the pid out again").isEqualTo(pid);
            Thread.sleep(300);

            ScanSnapshot after = scanner.scan();
            assertThat(after.find(a)).as("the old process's container is gone with it").isEmpty();
            ProcessEntry reused = after.find(b).orElseThrow().processList().get(0);
            assertThat(reused.pid()).isEqualTo(pid);
            assertThat(reused.startTime()).isGreaterThan(old.startTime());
            assertThat(reused.comm()).isEqualTo("sleep");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Thread.sleep(200);
            Files.deleteIfExists(dirA);
            Files.deleteIfExists(dirB);
        }
    }
}
