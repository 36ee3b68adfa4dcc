package dev.nscope.metrics;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Prometheus view of the latest snapshot, registered on the registry behind
 * {@code /actuator/prometheus}. Series are built from the snapshot at scrape time, so a container
 * that is gone from the snapshot is gone from the metrics: no meter per container to leak or forget.
 * The per-container families are built once per snapshot and reused by every scrape of it; no file is
 * read at scrape time.
 * <p>
 * The text formats do not go through the registry: {@link NscopeScrapeEndpoint} asks {@link #text} for
 * the families already written by {@link TextExposition}, and scrapes the registry with this collector
 * {@linkplain #silenced silenced}. Protobuf and any other reader of the registry get the families from
 * {@link #collect()}.
 */
public class SnapshotCollector implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCollector.class);
    private static final ThreadLocal<Boolean> SILENCED = new ThreadLocal<>();
    private final SnapshotStore store;
    private final ScanService service;
    private volatile Cached cached;
    /** Label sets kept from one snapshot's families to the next; used under this object's lock. */
    private final LabelCache labels;
    /** The size of the last container families written, to size the next buffer right the first time. */
    private volatile int lastLength;
    /** Each label set's bytes as written last, for the next write (see {@link TextExposition}); guarded by itself. */
    private final IdentityHashMap<Labels, byte[]> rendered = new IdentityHashMap<>();

    /**
     * The families of one snapshot, which is referenced weakly: the cache must not keep an old snapshot
     * alive. The client's snapshots are made when first asked for. The text written is not kept: it is
     * megabytes at a thousand containers, and kept until the next scan it would be promoted to the old
     * generation of the chart's small heap and end in full collections; writing it again for a second
     * scraper of the same snapshot is cheaper than that (bench/results.md has the figures).
     */
    private static final class Cached {
        final WeakReference<ScanSnapshot> snapshot;
        final List<MetricFamily> containers;
        volatile List<MetricSnapshot> built;

        Cached(ScanSnapshot snapshot, List<MetricFamily> containers) {
            this.snapshot = new WeakReference<>(snapshot);
            this.containers = containers;
        }
    }

    public SnapshotCollector(SnapshotStore store, ScanService service) {
        this(store, service, java.util.List.of());
    }

    /** @param extraLabels labels every per-container series carries besides its own ({@code nscope.metrics.extra-labels}) */
    public SnapshotCollector(SnapshotStore store, ScanService service, java.util.List<String> extraLabels) {
        this.store = store;
        this.service = service;
        this.labels = new LabelCache(extraLabels);
    }

    /** Runs {@code scrape} with this collector adding nothing, on this thread only. */
    static <T> T silenced(Supplier<T> scrape) {
        SILENCED.set(Boolean.TRUE);
        try {
            return scrape.get();
        } finally {
            SILENCED.remove();
        }
    }

    @Override
    public MetricSnapshots collect() {
        if (SILENCED.get() != null) {
            return new MetricSnapshots();
        }
        try {
            return build();
        } catch (RuntimeException e) {
            // a bug here must not take the JVM's own metrics down with it
            log.error("building nscope metrics failed", e);
            return new MetricSnapshots();
        }
    }

    /**
     * nscope's families in a text format, without the OpenMetrics {@code # EOF}: those {@code included}
     * accepts (by the name without {@code _total} or {@code _info}, as the registry filters), or all of
     * them when it is null. None before the first scan, or when writing them failed (logged).
     */
    TextExposition.Chunk[] text(boolean openMetrics, Set<String> included) {
        ScanSnapshot s = store.latest();
        if (s == null) {
            return new TextExposition.Chunk[0];
        }
        try {
            Cached c = cachedFor(s);
            List<MetricFamily> agent = AgentMetrics.collect(s, service.totals());
            if (included != null) {
                List<MetricFamily> all = new ArrayList<>(c.containers);
                all.addAll(agent);
                return new TextExposition.Chunk[] {TextExposition.write(all, openMetrics, included::contains, 4096)};
            }
            TextExposition.Chunk text;
            synchronized (rendered) {
                text = TextExposition.write(c.containers, openMetrics, name -> true, lastLength + lastLength / 8 + 4096, rendered);
            }
            lastLength = text.length();
            return new TextExposition.Chunk[] {text, TextExposition.write(agent, openMetrics, name -> true, 4096)};
        } catch (RuntimeException e) {
            log.error("writing nscope metrics failed", e);
            return new TextExposition.Chunk[0];
        }
    }

    /**
     * Builds the families of a snapshot just published, in the scanning thread, so that the scrape that
     * reads it finds them made (otherwise the first scrape of each snapshot pays for it). Never throws: a
     * failure is logged, and the scrape tries again.
     */
    public void prepare(ScanSnapshot s) {
        try {
            cachedFor(s);
        } catch (RuntimeException e) {
            log.error("building nscope metrics failed", e);
        }
    }

    /** The families of {@code s}, built by the first to ask (the others wait for it). */
    private synchronized Cached cachedFor(ScanSnapshot s) {
        Cached c = cached;
        if (c == null || c.snapshot.get() != s) {
            c = new Cached(s, List.copyOf(ContainerMetrics.collect(s.containers(), labels)));
            cached = c;
        }
        return c;
    }

    private MetricSnapshots build() {
        ScanSnapshot s = store.latest();
        if (s == null) {
            return new MetricSnapshots();
        }
        Cached c = cachedFor(s);
        List<MetricSnapshot> built = c.built;
        if (built == null) {
            List<MetricSnapshot> b = new ArrayList<>();
            for (MetricFamily f : c.containers) {
                if (!f.isEmpty()) {
                    b.add(f.build());
                }
            }
            built = List.copyOf(b);
            c.built = built;
        }
        List<MetricSnapshot> all = new ArrayList<>(built);
        for (MetricFamily f : AgentMetrics.collect(s, service.totals())) {
            if (!f.isEmpty()) {
                all.add(f.build());
            }
        }
        return new MetricSnapshots(all);
    }
}
