package dev.nscope.web;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.snapshot.HistoryStore;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code /actuator/containers/{id}/history}: a container's last points, oldest first, one per scan, as
 * the agent keeps them in memory ({@code nscope.history.points} of them). Counters (CPU seconds, IO
 * bytes) are the cgroup's totals; a reader takes rates from two points. Null where the document has null.
 *
 * @param intervalSeconds the agent's scan interval: a new point comes about this often
 * @param capacity        how many points the agent keeps per container
 */
public record ContainerHistory(String id, String name, double intervalSeconds, int capacity, List<Point> points) {

    /** @param timestamp the scan's time (ISO-8601, milliseconds) */
    public record Point(String timestamp, Double cpuUsageSeconds, Long memoryUsageBytes, Long memoryWorkingSetBytes,
                        Long memoryLimitBytes, Long ioReadBytes, Long ioWriteBytes, Long pidsCurrent, Long pidsLimit) {
    }

    static ContainerHistory of(ContainerSnapshot c, HistoryStore store, Duration interval) {
        List<Point> points = store.points(c.id()).stream().map(ContainerHistory::point).toList();
        return new ContainerHistory(c.id(), c.name(), interval.toMillis() / 1000.0, store.capacity(), points);
    }

    private static Point point(HistoryStore.Point p) {
        return new Point(p.at().truncatedTo(ChronoUnit.MILLIS).toString(), p.cpuUsageSeconds(), p.memoryUsageBytes(),
                p.memoryWorkingSetBytes(), p.memoryLimitBytes(), p.ioReadBytes(), p.ioWriteBytes(), p.pidsCurrent(),
                p.pidsLimit());
    }
}
