package dev.nscope.snapshot;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short history of each container's resource figures, kept in memory for the web page's charts: a
 * bounded ring of the last points per container, fed by every published snapshot
 * ({@link SnapshotStore#onPublish}). A container's ring goes with the container: a snapshot without it
 * drops it. Reads the snapshots only, never the filesystem.
 *
 * <p>Its memory has a budget: a ring keeps {@code nscope.history.points} points unless the node has so
 * many containers that their rings would pass {@code budgetBytes} ({@link #POINT_BYTES} a point); then
 * every ring keeps fewer (never fewer than 2, a rate needs two), the newest, and {@link #capacity()} says
 * how many. So no setting of the points and no number of containers can fill the heap with history.
 */
public class HistoryStore {
    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
    /** The memory of one point of a ring: 9 primitives of 8 bytes. */
    static final int POINT_BYTES = 72;
    /** Capacities below the configured one come in steps of this many points, so that a little churn does not resize every ring. */
    static final int STEP = 8;

    private final int configured;
    private final long budgetBytes;
    private volatile int capacity;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    /** Points per container with no budget but the configured points' own (a store for one-off use and tests). */
    public HistoryStore(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    /**
     * @param capacity    points kept per container ({@code nscope.history.points})
     * @param budgetBytes the most memory all rings may take
     */
    public HistoryStore(int capacity, long budgetBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.configured = capacity;
        this.budgetBytes = budgetBytes;
        this.capacity = capacity;
    }

    /** The points a ring keeps for {@code containers} containers within the budget. */
    int capacityFor(int containers) {
        long fits = budgetBytes / ((long) POINT_BYTES * Math.max(1, containers));
        if (fits >= configured) {
            return configured;
        }
        return (int) Math.max(2, fits / STEP * STEP);
    }

    /**
     * One container's figures at one scan (to the millisecond), as {@code /actuator/containers/{id}/history}
     * serves it. Null where the snapshot has none (the kernel does not offer it, or no limit is set), as in
     * the document.
     */
    public record Point(Instant timestamp, Double cpuUsageSeconds, Long memoryUsageBytes, Long memoryWorkingSetBytes,
                        Long memoryLimitBytes, Long ioReadBytes, Long ioWriteBytes, Long pidsCurrent, Long pidsLimit) {

        static Point of(Instant at, ContainerStats s) {
            ContainerStats.Cpu cpu = s.cpu();
            ContainerStats.Memory mem = s.memory();
            ContainerStats.Io io = s.io();
            ContainerStats.Pids pids = s.pids();
            return new Point(at,
                    cpu == null ? null : cpu.usageSeconds(),
                    mem == null ? null : mem.usageBytes(),
                    mem == null ? null : mem.workingSetBytes(),
                    mem == null ? null : mem.limitBytes(),
                    io == null ? null : io.readBytes(),
                    io == null ? null : io.writeBytes(),
                    pids == null ? null : pids.current(),
                    pids == null ? null : pids.limit());
        }
    }

    /** Adds a point for every container of the snapshot and forgets the containers it no longer has. */
    public void record(ScanSnapshot s) {
        Instant at = s.node().scannedAt();
        int fit = capacityFor(s.containers().size());
        if (fit != capacity) {
            log.info("history: {} points a container for {} containers (of {} configured; the history's budget is {} MiB)",
                    fit, s.containers().size(), configured, budgetBytes / (1 << 20));
            capacity = fit;
            rings.values().forEach(r -> r.resize(fit));
        }
        Set<String> present = new HashSet<>();
        for (ContainerSnapshot c : s.containers()) {
            present.add(c.id());
            ContainerStats stats = c.stats() == null ? ContainerStats.NONE : c.stats();
            rings.computeIfAbsent(c.id(), k -> new Ring(capacity)).add(Point.of(at, stats));
        }
        rings.keySet().retainAll(present);
    }

    /** The container's points, oldest first; empty for a container it does not know. */
    public List<Point> points(String containerId) {
        Ring r = rings.get(containerId);
        return r == null ? List.of() : r.list();
    }

    /** How many containers have a history. */
    public int size() {
        return rings.size();
    }

    /** Points kept per container now: the configured ones, or fewer when the budget requires. */
    public int capacity() {
        return capacity;
    }

    /**
     * A fixed-size ring; the oldest point is overwritten once it is full. Kept as columns of primitives
     * rather than records of boxed numbers: a point is 9 primitives, 72 bytes of arrays, a fraction of
     * what the boxed record takes. {@link #NONE} stands for null.
     */
    private static final class Ring {
        private static final long NONE = Long.MIN_VALUE;
        private long[] at;
        private double[] cpu;
        private long[][] figures;
        private int next;
        private int size;

        Ring(int capacity) {
            at = new long[capacity];
            cpu = new double[capacity];
            figures = new long[7][capacity];
        }

        /** Keeps the newest points that fit {@code capacity}, oldest first from index 0. */
        synchronized void resize(int capacity) {
            int keep = Math.min(size, capacity);
            int start = (next - keep + at.length) % at.length;
            long[] a = new long[capacity];
            double[] c = new double[capacity];
            long[][] f = new long[figures.length][capacity];
            for (int i = 0; i < keep; i++) {
                int j = (start + i) % at.length;
                a[i] = at[j];
                c[i] = cpu[j];
                for (int k = 0; k < f.length; k++) {
                    f[k][i] = figures[k][j];
                }
            }
            at = a;
            cpu = c;
            figures = f;
            size = keep;
            next = keep % capacity;
        }

        synchronized void add(Point p) {
            at[next] = p.timestamp().toEpochMilli();
            cpu[next] = p.cpuUsageSeconds() == null ? Double.NaN : p.cpuUsageSeconds();
            Long[] v = {p.memoryUsageBytes(), p.memoryWorkingSetBytes(), p.memoryLimitBytes(), p.ioReadBytes(),
                    p.ioWriteBytes(), p.pidsCurrent(), p.pidsLimit()};
            for (int k = 0; k < v.length; k++) {
                figures[k][next] = v[k] == null ? NONE : v[k];
            }
            next = (next + 1) % at.length;
            size = Math.min(size + 1, at.length);
        }

        synchronized List<Point> list() {
            List<Point> out = new ArrayList<>(size);
            int start = (next - size + at.length) % at.length;
            for (int i = 0; i < size; i++) {
                int j = (start + i) % at.length;
                out.add(new Point(Instant.ofEpochMilli(at[j]), Double.isNaN(cpu[j]) ? null : cpu[j], get(0, j), get(1, j),
                        get(2, j), get(3, j), get(4, j), get(5, j), get(6, j)));
            }
            return List.copyOf(out);
        }

        private Long get(int k, int j) {
            long v = figures[k][j];
            return v == NONE ? null : v;
        }
    }
}
