package dev.nscope.web;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.snapshot.HistoryStore;

import java.time.Duration;
import java.util.List;

/**
 * {@code /actuator/containers/{id}/history}: a container's last points, oldest first, one per scan, as
 * the agent keeps them in memory ({@code nscope.history.points} of them). Counters (CPU seconds, IO
 * bytes) are the cgroup's totals; a reader takes rates from two points. Null where the document has null.
 *
 * @param intervalSeconds the agent's scan interval: a new point comes about this often
 * @param capacity        how many points the agent keeps per container
 */
public record ContainerHistory(String id, String name, double intervalSeconds, int capacity, List<HistoryStore.Point> points) {

    static ContainerHistory of(ContainerSnapshot c, HistoryStore store, Duration interval) {
        return new ContainerHistory(c.id(), c.name(), interval.toMillis() / 1000.0, store.capacity(), store.points(c.id()));
    }
}
