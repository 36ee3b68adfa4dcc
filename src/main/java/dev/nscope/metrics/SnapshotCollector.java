package dev.nscope.metrics;

import dev.nscope.agent.ScanService;
import dev.nscope.agent.SnapshotStore;
import dev.nscope.scan.ScanSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus view of the latest snapshot, registered on the registry behind
 * {@code /actuator/prometheus}. Series are built from the snapshot at scrape time, so a container
 * that is gone from the snapshot is gone from the metrics: no meter per container to leak or forget.
 * The per-container families are built once per snapshot and reused by every scrape of it; no file is
 * read at scrape time.
 */
public class SnapshotCollector implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCollector.class);
    private final SnapshotStore store;
    private final ScanService service;
    private volatile Cached cached;

    /** The families of one snapshot, which is referenced weakly: the cache must not keep an old snapshot alive. */
    private record Cached(WeakReference<ScanSnapshot> snapshot, List<MetricSnapshot> containers) {
    }

    public SnapshotCollector(SnapshotStore store, ScanService service) {
        this.store = store;
        this.service = service;
    }

    @Override
    public MetricSnapshots collect() {
        try {
            return build();
        } catch (RuntimeException e) {
            // a bug here must not take the JVM's own metrics down with it
            log.error("building nscope metrics failed", e);
            return new MetricSnapshots();
        }
    }

    private MetricSnapshots build() {
        ScanSnapshot s = store.latest();
        if (s == null) {
            return new MetricSnapshots();
        }
        Cached c = cached;
        if (c == null || c.snapshot.get() != s) {
            List<MetricSnapshot> built = new ArrayList<>();
            for (MetricFamily f : ContainerMetrics.collect(s.containers())) {
                if (!f.isEmpty()) {
                    built.add(f.build());
                }
            }
            c = new Cached(new WeakReference<>(s), List.copyOf(built));
            cached = c;
        }
        List<MetricSnapshot> all = new ArrayList<>(c.containers);
        for (MetricFamily f : AgentMetrics.collect(s, service.totals())) {
            if (!f.isEmpty()) {
                all.add(f.build());
            }
        }
        return new MetricSnapshots(all);
    }
}
