package dev.nscope.snapshot;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short history of each container's resource figures, kept in memory for the web page's charts: a
 * bounded ring of the last {@code capacity} points per container, fed by every published snapshot
 * ({@link SnapshotStore#onPublish}). A container's ring goes with the container: a snapshot without it
 * drops it. Reads the snapshots only, never the filesystem.
 */
public class HistoryStore {
    private final int capacity;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    public HistoryStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
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
        private final long[] at;
        private final double[] cpu;
        private final long[][] figures;
        private int next;
        private int size;

        Ring(int capacity) {
            at = new long[capacity];
            cpu = new double[capacity];
            figures = new long[7][capacity];
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
