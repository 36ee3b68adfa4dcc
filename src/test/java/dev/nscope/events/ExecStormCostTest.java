package dev.nscope.events;

import dev.nscope.host.HostPaths;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the connector's listener costs during an exec storm (10,000 {@code /bin/true} in a shell loop) with the
 * counting listener: the CPU of its thread, and the read calls it made (its {@code /proc/self/task/<tid>/io}
 * {@code syscr}: a receive from a socket is not one, a read of a /proc file is), which must not grow with the events.
 */
class ExecStormCostTest {
    static final int EXECS = 10_000;

    @Test
    void anExecStormCostsTheListenerLittleCpuAndNoFileReads() throws Exception {
        Live.requireRoot();
        CountingListener counts = new CountingListener();
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live())) {
            s.start(counts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.state() == ProcessEventSource.State.STARTING && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(s.state()).isEqualTo(ProcessEventSource.State.LISTENING);
            Thread listener = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("nscope-process-events"))
                    .findFirst().orElseThrow();
            Path io = taskFile("nscope-process-", "io");
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(listener.getId());
            long reads0 = syscr(io);
            long received0 = s.received();
            long execs0 = counts.execs();

            long t0 = System.nanoTime();
            Process storm = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + EXECS + " ]; do /bin/true; i=$((i+1)); done").start();
            assertThat(storm.waitFor(300, TimeUnit.SECONDS)).isTrue();
            double stormSeconds = (System.nanoTime() - t0) / 1e9;
            // the last events, then quiet
            long last = -1;
            while (last != s.received()) {
                last = s.received();
                Thread.sleep(300);
            }
            double cpu = (mx.getThreadCpuTime(listener.getId()) - cpu0) / 1e9;
            long reads = syscr(io) - reads0;
            long received = s.received() - received0;
            long execs = counts.execs() - execs0;

            System.out.printf("exec storm: %d execs in %.1f s (%.0f/s); the listener received %d events (%d execs), dropped %d, "
                            + "used %.3f s of CPU (%.1f %% of one core over the storm, %.2f µs per event), %d read calls%n",
                    EXECS, stormSeconds, EXECS / stormSeconds, received, execs, s.dropped(), cpu, 100 * cpu / stormSeconds,
                    cpu * 1e6 / Math.max(1, received), reads);
            assertThat(execs).as("every exec of the storm seen").isGreaterThanOrEqualTo(EXECS);
            assertThat(s.dropped()).isZero();
            assertThat(reads).as("no file read per event").isLessThan(50);
            assertThat(cpu).as("CPU of the listener thread").isLessThan(stormSeconds / 2);
        }
    }

    /** The file of this JVM's task whose comm is {@code comm}. */
    static Path taskFile(String comm, String file) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).trim().equals(comm)) {
                    return t.resolve(file);
                }
            }
        }
        throw new AssertionError("no task " + comm);
    }

    static long syscr(Path io) throws IOException {
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("syscr:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new AssertionError("no syscr in " + io);
    }
}
