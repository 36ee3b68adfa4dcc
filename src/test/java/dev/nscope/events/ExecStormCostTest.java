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
        // the receiving thread, as Java and as the kernel name it (a Spring context of another test may run one too)
        java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Path> task = new java.util.concurrent.atomic.AtomicReference<>();
        ProcessEventListener listener = new ProcessEventListener() {
            @Override
            public void events(java.util.List<ProcessEvent> batch) {
                if (thread.get() == null) {
                    try {
                        task.set(Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self"))));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    thread.set(Thread.currentThread());
                }
                counts.events(batch);
            }

            @Override
            public void overflow() {
                counts.overflow();
            }
        };
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live())) {
            s.start(listener);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.get() == null && System.nanoTime() < deadline) {
                new ProcessBuilder("true").start().waitFor();
                Thread.sleep(20);
            }
            assertThat(s.state()).isEqualTo(ProcessEventSource.State.LISTENING);
            Path io = task.get().resolve("io");
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long id = thread.get().getId();
            long cpu0 = mx.getThreadCpuTime(id);
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
            double cpu = (mx.getThreadCpuTime(id) - cpu0) / 1e9;
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

    static long syscr(Path io) throws IOException {
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("syscr:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new AssertionError("no syscr in " + io);
    }
}
