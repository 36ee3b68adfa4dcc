package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Repeats the capture of {@code blkio-throttle/README.md} on this host: a v1 blkio cgroup of our own,
 * 4 MiB written and read back with direct IO, then read with {@link CgroupStatsReader}. Runs only as
 * root on a v1 or hybrid host whose temporary directory lies on a whole disk; skipped elsewhere.
 */
class LiveBlkioTest {
    private static final long FOUR_MIB = 4L << 20;

    @Test
    void directIoIsCountedPerDevice(@TempDir Path tmp) throws Exception {
        HostPaths host = HostPaths.live();
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        Hierarchy blkio = layout.forController("blkio");
        assumeTrue(blkio != null && !blkio.unified(), "no v1 blkio hierarchy");
        assumeTrue(Files.isWritable(blkio.dir().resolve("cgroup.procs")), "not root");
        long dev = (Long) Files.getAttribute(tmp, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        String device = major + ":" + minor;
        Path sysDev = host.sysfs().resolve("dev/block/" + device);
        assumeTrue(Files.isDirectory(sysDev) && !Files.exists(sysDev.resolve("partition")),
                "temporary directory not on a whole disk: " + device);

        String name = "nscope-test-" + ProcessHandle.current().pid();
        Path cg = blkio.dir().resolve(name);
        Path limit = cg.resolve("blkio.throttle.write_bps_device");
        Files.createDirectory(cg);
        try {
            // recent kernels count throttle statistics only on a disk with a throttle limit
            Files.writeString(limit, device + " 1099511627776\n");
            Path file = tmp.resolve("dd");
            Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs")
                    + " && dd if=/dev/zero of=" + file + " bs=64k count=64 oflag=direct 2>/dev/null"
                    + " && dd if=" + file + " of=/dev/null bs=64k iflag=direct 2>/dev/null")
                    .redirectErrorStream(true).start();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "dd with direct IO failed");

            ErrorCounts errors = new ErrorCounts();
            ContainerStats s = new CgroupStatsReader(host, layout)
                    .read(h -> h.equals(blkio) ? "/" + name : null, 0, errors);
            assertThat(errors.snapshot().values()).allMatch(n -> n == 0);
            // the data, plus what the shell and dd themselves load (an inode, a page of a binary)
            assertThat(s.io().readBytes()).isBetween(FOUR_MIB, FOUR_MIB + (1 << 20));
            assertThat(s.io().readOps()).isBetween(64L, 64L + 256);
            assertThat(s.io().writeBytes()).isBetween(FOUR_MIB, FOUR_MIB + (1 << 20));
            assertThat(s.io().writeOps()).isBetween(64L, 64L + 256);
            assertThat(s.io().devices()).extracting(ContainerStats.Device::device).containsExactly(device);
            // and by its name in /dev, as sysfs tells it
            String devName = Files.readAllLines(sysDev.resolve("uevent")).stream().filter(l -> l.startsWith("DEVNAME="))
                    .map(l -> "/dev/" + l.substring(8)).findFirst().orElseThrow();
            assertThat(s.io().devices()).extracting(ContainerStats.Device::name).containsExactly(devName);
            assertThat(s.cpu()).isNull();
            assertThat(s.memory()).isNull();
        } finally {
            try {
                Files.writeString(limit, device + " 0\n");
            } catch (IOException ignored) {
                // the limit goes with the cgroup anyway
            }
            Files.delete(cg);
        }
    }
}
