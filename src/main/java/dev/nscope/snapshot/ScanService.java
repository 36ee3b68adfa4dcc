package dev.nscope.snapshot;

import dev.nscope.host.ErrorKind;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs the scanner every {@code nscope.scan-interval} on one background thread and publishes each
 * snapshot. The first scan starts with the agent, on that thread: the agent never waits on the host at
 * start, so a stop (SIGTERM) is honoured at any moment, even while a read of the host hangs. Until the
 * first snapshot is published, the scanner's health is DOWN (readiness: not ready) and the document
 * endpoints answer 503.
 */
public class ScanService implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ScanService.class);

    private final Scanner scanner;
    private final SnapshotStore store;
    private final Duration interval;
    private final AgentWarnings agentWarnings;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong successes = new AtomicLong();
    private final EnumMap<ErrorKind, Long> errorTotals = new EnumMap<>(ErrorKind.class);
    private double scanSeconds;
    private volatile long lastSuccessNanos;
    private ScheduledExecutorService executor;
    private volatile boolean running;
    private List<String> loggedWarnings = List.of();
    /** A requested scan is scheduled and has not started. */
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile long lastRequestedScanNanos = System.nanoTime() - REQUEST_SPACING_NANOS;
    private final AtomicLong requestedScans = new AtomicLong();
    /** Asked when a requested scan's time comes: nanoseconds to wait yet, 0 to scan, below 0 no longer wanted. */
    private volatile LongSupplier requestDue = () -> 0;
    private volatile long lastScanNanos;

    /** How long a requested scan waits for the requests that follow it (a container's start is a burst of execs). */
    static final long REQUEST_DEBOUNCE_NANOS = 200_000_000L;
    /**
     * The least time between two requested scans: at most two a second, however many requests come, and at least
     * {@link #REQUEST_SPACING_SCANS} times the last scan's length, so that on a node whose scans are long the
     * requested ones take at most a fifth of a core.
     */
    static final long REQUEST_SPACING_NANOS = 500_000_000L;
    static final int REQUEST_SPACING_SCANS = 5;

    public ScanService(Scanner scanner, SnapshotStore store, Duration interval) {
        this(scanner, store, interval, new AgentWarnings());
    }

    /** @param agentWarnings the agent's own warnings, added to each published snapshot's node.warnings */
    public ScanService(Scanner scanner, SnapshotStore store, Duration interval, AgentWarnings agentWarnings) {
        this.scanner = scanner;
        this.store = store;
        this.interval = interval;
        this.agentWarnings = agentWarnings;
    }

    /** One scan, published; a failure is logged and counted, never thrown. */
    public void runOnce() {
        try {
            long t0 = System.nanoTime();
            ScanSnapshot s = scanner.scan();
            long took = System.nanoTime() - t0;
            lastScanNanos = took;
            synchronized (errorTotals) {
                s.node().scanErrors().forEach((k, v) -> errorTotals.merge(k, v, Long::sum));
                scanSeconds += took / 1e9;
            }
            successes.incrementAndGet();
            store.publish(agentWarnings.addTo(s));
            lastSuccessNanos = System.nanoTime();
            if (!s.node().warnings().equals(loggedWarnings)) {
                loggedWarnings = s.node().warnings();
                loggedWarnings.forEach(w -> log.warn("{}", w));
            }
        } catch (RuntimeException | Error e) {
            failures.incrementAndGet();
            log.error("scan failed", e);
        }
    }

    /**
     * Asks for a scan soon, besides the interval's: the process events saw a process no container is known to hold
     * exec, or a PID 1 exit. Requests within {@link #REQUEST_DEBOUNCE_NANOS} make one scan, and requested scans are
     * spaced ({@link #REQUEST_SPACING_NANOS}); when its time comes, the {@linkplain #gateRequests gate} says whether
     * it is still wanted, or how much later. They run on the scanning thread like the others. Never blocks.
     */
    public void requestScan() {
        if (!requested.compareAndSet(false, true)) {
            return;
        }
        long sinceLast = System.nanoTime() - lastRequestedScanNanos;
        long spacing = Math.max(REQUEST_SPACING_NANOS, REQUEST_SPACING_SCANS * lastScanNanos);
        schedule(Math.max(REQUEST_DEBOUNCE_NANOS, spacing - sinceLast));
    }

    /** Who says, as a requested scan's time comes, whether it is still wanted (by default it always is). */
    public void gateRequests(LongSupplier due) {
        this.requestDue = due;
    }

    private void schedule(long delayNanos) {
        ScheduledExecutorService ex = executor;
        if (ex == null || !running) {
            requested.set(false);
            return;
        }
        try {
            ex.schedule(this::requestedScan, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            requested.set(false);
        }
    }

    private void requestedScan() {
        long wait = requestDue.getAsLong();
        if (wait > 0) {
            schedule(wait);
            return;
        }
        requested.set(false);
        if (wait < 0) {
            return;
        }
        lastRequestedScanNanos = System.nanoTime();
        requestedScans.incrementAndGet();
        runOnce();
    }

    /** Scans run at a request since the start (not counting the interval's). */
    public long requestedScans() {
        return requestedScans.get();
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nscope-scan");
            t.setDaemon(true);
            return t;
        });
        executor.execute(this::firstScan);
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void firstScan() {
        runOnce();
        ScanSnapshot s = store.latest();
        if (s != null) {
            log.info("first scan: {} processes, {} containers {} in {} ms (cgroup {}); scanning every {}",
                    s.node().processes(), s.containers().size(), byRuntime(s.containers()), s.node().scanMillis(),
                    s.node().cgroupVersion().label(), interval);
        }
    }

    private static Map<String, Integer> byRuntime(List<ContainerSnapshot> cs) {
        Map<String, Integer> m = new TreeMap<>();
        for (ContainerSnapshot c : cs) {
            m.merge(c.runtime().label(), 1, Integer::sum);
        }
        return m;
    }

    /**
     * On SIGTERM: no further scan starts; a scan under way (reads of kernel files, not interruptible) gets a
     * second to finish, after which the daemon thread is simply left to the JVM's exit.
     */
    @Override
    public void stop() {
        running = false;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server (which starts in a later phase). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE / 2;
    }

    public long failures() {
        return failures.get();
    }

    /** Cumulative figures since start, for the agent's own metrics. */
    public record Totals(long succeeded, long failed, double seconds, Map<ErrorKind, Long> errors) {
    }

    public Totals totals() {
        synchronized (errorTotals) {
            Map<ErrorKind, Long> e = new EnumMap<>(ErrorKind.class);
            for (ErrorKind k : ErrorKind.values()) {
                e.put(k, errorTotals.getOrDefault(k, 0L));
            }
            return new Totals(successes.get(), failures.get(), scanSeconds, e);
        }
    }

    public Duration interval() {
        return interval;
    }

    /** Nanos (System.nanoTime) of the last successful scan, 0 before the first. */
    public long lastSuccessNanos() {
        return lastSuccessNanos;
    }
}
