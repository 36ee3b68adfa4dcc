package dev.nscope.scan;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures users alert on, from real Docker containers: a PID 1 near its open-files limit, and a
 * container writing 20 MiB with direct IO, counted on its disk by name.
 */
class LiveFiguresDockerTest {
    static final long MIB = 1 << 20;
    static GenericContainer<?> files;
    static GenericContainer<?> writer;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        DockerTests.requireDocker();
        // tail as PID 1 follows 58 files: with stdin, stdout and stderr 61 descriptors of the 64 allowed
        files = DockerTests.container("lf-files", h -> h.withUlimits(List.of(new com.github.dockerjava.api.model.Ulimit("nofile", 64L, 64L))),
                "sh", "-c", "for i in $(busybox seq 1 58); do : > /tmp/f$i; done; exec busybox tail -f /tmp/f*");
        files.start();
        dir = Files.createTempDirectory(Path.of("target"), "lf-writer-").toAbsolutePath();
        writer = DockerTests.container("lf-writer", "sh", "-c",
                        "dd if=/dev/zero of=/data/x bs=1M count=20 oflag=direct 2>/dev/null; sleep 600")
                .withFileSystemBind(dir.toString(), "/data", BindMode.READ_WRITE);
        String device = wholeDisk(dir);
        if (device != null) {
            String disk = "/dev/" + devName(device);
            // cgroup v1 counts a device's IO in the throttle statistics only where the cgroup has a throttle limit
            writer.withCreateContainerCmdModifier(c -> c.getHostConfig().withBlkioDeviceWriteBps(List.of(
                    new com.github.dockerjava.api.model.BlkioRateDevice().withPath(disk).withRate(1L << 40))));
        }
        writer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (GenericContainer<?> c : new GenericContainer<?>[] {files, writer}) {
            if (c != null) {
                c.stop();
            }
        }
        if (dir != null) {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    /** The major:minor of the disk {@code p} is on when it is a whole disk (not a partition), else null. */
    static String wholeDisk(Path p) throws Exception {
        long dev = (Long) Files.getAttribute(p, "unix:dev");
        String device = (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL)) + ":" + ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
        Path sys = Path.of("/sys/dev/block", device);
        return Files.isDirectory(sys) && !Files.exists(sys.resolve("partition")) ? device : null;
    }

    static String devName(String device) throws Exception {
        return Files.readAllLines(Path.of("/sys/dev/block", device, "uevent")).stream().filter(l -> l.startsWith("DEVNAME="))
                .map(l -> l.substring(8)).findFirst().orElseThrow();
    }

    static ContainerSnapshot scanFor(String id, java.util.function.Predicate<ContainerSnapshot> ready) throws Exception {
        Scanner scanner = new Scanner(HostPaths.live());
        ContainerSnapshot c = null;
        for (int i = 0; i < 60; i++) {
            c = scanner.scan().find(id).orElse(null);
            if (c != null && ready.test(c)) {
                return c;
            }
            Thread.sleep(500);
        }
        return c;
    }

    @Test
    void aPid1NearItsOpenFilesLimitIsFlagged() throws Exception {
        ContainerSnapshot c = scanFor(files.getContainerId(),
                x -> x.findings().stream().anyMatch(f -> f.rule().equals("fds-near-limit")));
        assertThat(c).isNotNull();
        ContainerStats.Files f = c.stats().files();
        assertThat(f).as("files of " + c.processList()).isNotNull();
        assertThat(f.open()).isBetween(61L, 64L);
        assertThat(f.limit()).isEqualTo(64L);
        assertThat(f.highestShare()).isGreaterThan(0.9);
        Finding near = c.findings().stream().filter(x -> x.rule().equals("fds-near-limit")).findFirst().orElseThrow();
        assertThat(near.evidence().get("softLimit")).isEqualTo(64L);
        assertThat(near.fix()).contains("nofile");
    }

    @Test
    void directWritesAreCountedOnTheirDiskByName() throws Exception {
        String device = wholeDisk(dir);
        Live.require(device != null, "the test's directory on a whole disk (cgroup v1 counts IO per disk, not partition)");
        String name = "/dev/" + devName(device);
        ContainerSnapshot c = scanFor(writer.getContainerId(), x -> x.stats().io() != null && x.stats().io().devices() != null
                && x.stats().io().devices().stream().anyMatch(d -> name.equals(d.name()) && d.writeBytes() >= 20 * MIB));
        assertThat(c).isNotNull();
        ContainerStats.Device d = c.stats().io().devices().stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
        assertThat(d.device()).isEqualTo(device);
        assertThat(d.writeBytes()).isBetween(20 * MIB, 22 * MIB);
    }
}
