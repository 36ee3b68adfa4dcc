package dev.nscope.metrics;

import dev.nscope.events.EventRing;
import dev.nscope.events.ProcessEventSource;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node's events as metrics: containers stopped by outcome (node-level: the containers are gone, so no
 * per-container labels), and the kernel's process events as a source: whether the agent listens, what it received
 * and what the kernel dropped. Read from the ring's and the source's counters at scrape time; nothing else.
 */
public final class EventMetrics implements MultiCollector {
    private final EventRing ring;
    private final ProcessEventSource source;

    public EventMetrics(EventRing ring, ProcessEventSource source) {
        this.ring = ring;
        this.source = source;
    }

    List<MetricFamily> families() {
        MetricFamily stops = MetricFamily.counter("nscope_container_stops",
                "Containers stopped on the node since the agent started, by how their PID 1 ended (exited, killed, oom-killed, signaled)");
        for (Map.Entry<String, Long> e : ring.stopsByOutcome().entrySet()) {
            stops.add(Labels.of("outcome", e.getKey()), e.getValue());
        }
        MetricFamily up = MetricFamily.gauge("nscope_event_source_up",
                "1 while the agent listens to the kernel's process events, 0 while it works by polling alone (node.warnings says why)")
                .add(Labels.EMPTY, source.state() == ProcessEventSource.State.LISTENING ? 1 : 0);
        MetricFamily received = MetricFamily.counter("nscope_process_events",
                "Process events (fork, exec, exit) received from the kernel").add(Labels.EMPTY, source.received());
        MetricFamily dropped = MetricFamily.counter("nscope_events_dropped",
                "Process events the kernel dropped because the agent's socket buffer was full (each overflow is healed by a scan)")
                .add(Labels.EMPTY, source.dropped());
        return List.of(stops, up, received, dropped);
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (MetricFamily f : families()) {
            out.add(f.build());
        }
        return new MetricSnapshots(out);
    }
}
