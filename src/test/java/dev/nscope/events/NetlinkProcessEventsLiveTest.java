package dev.nscope.events;

import dev.nscope.host.HostPaths;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector on this host (root, Linux with CONFIG_PROC_EVENTS): what a fork, an exec, an exit with a code and
 * a SIGKILL look like as they arrive; an overflowing socket; and each host where it cannot start, which it says.
 */
class NetlinkProcessEventsLiveTest {

    @BeforeEach
    void root() {
        Live.requireRoot();
    }

    /** Collects every event; thread-safe for the reader. */
    static class Collecting implements ProcessEventListener {
        final List<ProcessEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger overflows = new AtomicInteger();

        @Override
        public void events(List<ProcessEvent> batch) {
            events.addAll(batch);
        }

        @Override
        public void overflow() {
            overflows.incrementAndGet();
        }

        ProcessEvent await(Predicate<ProcessEvent> p) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (ProcessEvent e : events) {
                    if (p.test(e)) {
                        return e;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no such event among " + events.size());
        }
    }

    static void awaitListening(ProcessEventSource s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.state() == ProcessEventSource.State.STARTING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(s.state()).as(String.valueOf(s.unavailableReason())).isEqualTo(ProcessEventSource.State.LISTENING);
    }

    @Test
    void seesTheForkExecAndExitOfAShellWithItsCodeAndASleepKilledBySigkill() throws Exception {
        Collecting c = new Collecting();
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live())) {
            assertThat(s.state()).isEqualTo(ProcessEventSource.State.STARTING);
            s.start(c);
            awaitListening(s);
            int jvm = (int) ProcessHandle.current().pid();

            Process sh = new ProcessBuilder("sh", "-c", "exit 3").start();
            assertThat(sh.waitFor()).isEqualTo(3);
            int shPid = (int) sh.pid();
            ProcessEvent fork = c.await(e -> e.type() == ProcessEvent.Type.FORK && e.pid() == shPid);
            assertThat(fork.tgid()).isEqualTo(shPid);
            assertThat(fork.parentTgid()).as("forked by this JVM").isEqualTo(jvm);
            assertThat(fork.parentPid()).as("by one of its threads").isPositive();
            ProcessEvent exec = c.await(e -> e.type() == ProcessEvent.Type.EXEC && e.pid() == shPid);
            assertThat(exec.tgid()).isEqualTo(shPid);
            ProcessEvent exit = c.await(e -> e.type() == ProcessEvent.Type.EXIT && e.pid() == shPid);
            assertThat(exit.exited()).isTrue();
            assertThat(exit.exitCode()).isEqualTo(3);
            assertThat(exit.signal()).isZero();
            assertThat(exit.nanos()).isGreaterThanOrEqualTo(exec.nanos()).isGreaterThanOrEqualTo(fork.nanos());

            Process sleep = new ProcessBuilder("sleep", "100").start();
            int sleepPid = (int) sleep.pid();
            c.await(e -> e.type() == ProcessEvent.Type.EXEC && e.pid() == sleepPid);
            sleep.destroyForcibly(); // SIGKILL
            sleep.waitFor();
            ProcessEvent killed = c.await(e -> e.type() == ProcessEvent.Type.EXIT && e.pid() == sleepPid);
            assertThat(killed.signal()).isEqualTo(9);
            assertThat(killed.exited()).isFalse();
            assertThat(killed.exitCode()).isEqualTo(-1);

            assertThat(s.received()).isGreaterThanOrEqualTo(6);
            assertThat(s.dropped()).isZero();
            assertThat(s.grantedReceiveBuffer()).as("the buffer asked for, doubled by the kernel")
                    .isEqualTo(2 * NetlinkProcessEvents.DEFAULT_RECEIVE_BUFFER);
            assertThat(c.overflows.get()).isZero();
        }
    }

    @Test
    void aFullSocketIsCountedAndReportedAsAnOverflowAndListeningGoesOn() throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/taskset")), "taskset is needed");
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch slept = new java.util.concurrent.CountDownLatch(1);
        Collecting c = new Collecting() {
            @Override
            public void events(List<ProcessEvent> batch) {
                super.events(batch);
                if (slow.getAndSet(false)) {
                    try {
                        Thread.sleep(1500); // a slow consumer: the socket fills meanwhile
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    slept.countDown();
                }
            }
        };
        // the smallest buffer the kernel allows: two or three messages
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live(), 1)) {
            s.start(c);
            awaitListening(s);
            // a message from every CPU first: a CPU's gaps are counted from its first message seen
            onEveryCpu();
            // (on a busy host so small a buffer may already have overflowed)
            int overflowsBefore = c.overflows.get();
            long droppedBefore = s.dropped();
            slow.set(true);
            new ProcessBuilder("true").start().waitFor();
            Process burst = new ProcessBuilder("sh", "-c", "for i in $(seq 300); do /bin/true; done").start();
            assertThat(burst.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(slept.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.overflows.get() == overflowsBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.overflows.get()).as("overflow() called").isGreaterThan(overflowsBefore);
            assertThat(s.overflows()).isEqualTo(c.overflows.get());
            // and the source still listens: new processes are seen, on every CPU
            int before = c.events.size();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.events.size() == before && System.nanoTime() < deadline) {
                onEveryCpu();
            }
            onEveryCpu();
            assertThat(c.events.size()).as("events after the overflow").isGreaterThan(before);
            // 300 execs make about 1,200 events (fork, exec, comm, exit), most of which found the socket full; a CPU's
            // next message shows how many it sent meanwhile
            assertThat(s.dropped() - droppedBefore).as("dropped, counted from the per-CPU sequence gaps").isGreaterThan(300);
            System.out.printf("overflow: %d ENOBUFS, %d events dropped, %d received, receive buffer %d bytes%n",
                    s.overflows(), s.dropped(), s.received(), s.grantedReceiveBuffer());
            assertThat(s.state()).isEqualTo(ProcessEventSource.State.LISTENING);
        }
    }

    /** Runs {@code true} pinned to each CPU in turn, a pause after each (for a listener with a tiny buffer). */
    static void onEveryCpu() throws Exception {
        for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
            new ProcessBuilder("taskset", "-c", Integer.toString(cpu), "true").start().waitFor();
            Thread.sleep(100);
        }
    }

    @Test
    void closeUnsubscribesAndEndsTheThreadAtOnce() throws Exception {
        NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live());
        s.start(new CountingListener());
        awaitListening(s);
        assertThat(s.receiving()).isTrue();
        long t0 = System.nanoTime();
        s.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(NetlinkProcessEvents.STOP_WAIT_MILLIS);
        assertThat(s.receiving()).as("the receiving thread has ended").isFalse();
        assertThat(s.state()).isEqualTo(ProcessEventSource.State.UNAVAILABLE);
        assertThat(s.unavailableReason()).isEqualTo("stopped");
        s.close(); // twice is harmless
        s.start(new CountingListener()); // and a start after close does nothing
        assertThat(s.state()).isEqualTo(ProcessEventSource.State.UNAVAILABLE);
    }

    @Test
    void aFixtureTreeIsNoLiveProcfs() {
        HostPaths fixture = Fixtures.paths(Fixtures.V2_NODE);
        assertThat(EventPreconditions.notLive(fixture)).contains("not a live procfs").contains(fixture.procfs().toString());
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(fixture)) {
            s.start(new CountingListener());
            assertThat(s.state()).isEqualTo(ProcessEventSource.State.UNAVAILABLE);
            assertThat(s.unavailableReason()).contains("not a live procfs");
        }
        assertThat(EventPreconditions.notLive(HostPaths.live())).isNull();
        assertThat(EventPreconditions.notInInitialNamespaces(HostPaths.live())).isNull();
    }

    @Test
    void outsideTheInitialPidNamespaceItSaysSo() throws Exception {
        // a pid namespace of its own with its own /proc: NSpid has one entry there, but pid 2 is no kernel thread
        assertThat(probe("unshare", "--pid", "--fork", "--mount-proc"))
                .startsWith("UNAVAILABLE|not in the host's initial pid namespace (no kernel thread at pid 2");
        // the same namespace seen through the host's /proc (no --mount-proc): self is not this process's pid
        assertThat(probe("unshare", "--pid", "--fork")).startsWith("UNAVAILABLE|nscope.procfs /proc is not the live procfs of this agent");
    }

    @Test
    void outsideTheInitialUserNamespaceItSaysSo() throws Exception {
        assertThat(probe("unshare", "--user", "--map-root-user")).startsWith("UNAVAILABLE|not in the initial user namespace (uid_map 0 0 1)");
    }

    /**
     * Linux before 6.6 lets only CAP_NET_ADMIN bind to the group and subscribe; from 6.6 (commit bfdfdc2f3b70,
     * "connector/cn_proc: Allow non-root users access") any process of the initial namespaces may.
     */
    @Test
    void withoutNetAdminItListensFromLinux66AndSaysSoBefore() throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed");
        String line = probe("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin");
        if (kernelAtLeast(6, 6)) {
            assertThat(line).isEqualTo("LISTENING|null");
        } else {
            assertThat(line).startsWith("UNAVAILABLE|no CAP_NET_ADMIN");
        }
        System.out.println("without CAP_NET_ADMIN on Linux " + System.getProperty("os.version") + ": " + line);
    }

    static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]);
        int mi = Integer.parseInt(v[1]);
        return ma > major || ma == major && mi >= minor;
    }

    @Test
    void eachRefusalHasItsReason() {
        assertThat(new NetlinkSocket.NetlinkException("bind", NetlinkSocket.EPERM).reason())
                .isEqualTo("no CAP_NET_ADMIN, which Linux before 6.6 needs for process events (bind: errno 1)");
        assertThat(new NetlinkSocket.NetlinkException("socket", NetlinkSocket.EPROTONOSUPPORT).reason())
                .isEqualTo("the kernel has no process events connector (CONFIG_PROC_EVENTS)");
        assertThat(new NetlinkSocket.NetlinkException("socket", 24).reason())
                .isEqualTo("the process events connector could not be opened (socket: errno 24)");
    }

    @Test
    void withEverythingItNeedsTheProbeListens() throws Exception {
        assertThat(probe()).isEqualTo("LISTENING|null");
    }

    /** {@link SourceProbe}'s line, run under {@code prefix}. */
    static String probe(String... prefix) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(prefix));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), SourceProbe.class.getName()));
        Live.Result r = Live.run(cmd, 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return r.stdout().trim();
    }
}
