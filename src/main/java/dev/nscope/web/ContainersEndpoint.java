package dev.nscope.web;

import dev.nscope.events.EventRing;
import dev.nscope.snapshot.HistoryStore;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.scan.ScanSnapshot;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;

import java.time.Duration;

/**
 * {@code /actuator/containers}: the latest snapshot as the contract's document, and
 * {@code /actuator/containers/{id}} (full id, unique prefix of 12+ characters, or name) with the
 * process list (with each process's {@code cmdline} only when {@code nscope.web.command-lines} is on);
 * an unknown id is a 404. {@code /actuator/containers/{id}/history} is the container's short history
 * from memory (the web page's charts). {@code /actuator/containers/events[?since=<seq>]} is the events ring, those
 * after {@code since} (a container named {@code events} is reached by its id). Reads the snapshot, the history and
 * the ring only.
 */
@Endpoint(id = "containers")
public class ContainersEndpoint {
    static final String HISTORY = "history";
    static final String EVENTS = "events";

    private final SnapshotStore store;
    private final HistoryStore history;
    private final Duration interval;
    private final boolean commandLines;
    private final ContainersJson json;
    private final EventRing events;

    public ContainersEndpoint(SnapshotStore store, HistoryStore history, Duration interval, boolean commandLines,
                              ContainersJson json) {
        this(store, history, interval, commandLines, json, new EventRing(1));
    }

    public ContainersEndpoint(SnapshotStore store, HistoryStore history, Duration interval, boolean commandLines,
                              ContainersJson json, EventRing events) {
        this.store = store;
        this.events = events;
        this.json = json;
        this.history = history;
        this.interval = interval;
        this.commandLines = commandLines;
    }

    /**
     * The document, streamed as {@link ContainersJson} writes it, with the endpoints' usual JSON media types
     * (a resource would otherwise be served as application/octet-stream).
     */
    @ReadOperation(produces = {"application/vnd.spring-boot.actuator.v3+json", "application/vnd.spring-boot.actuator.v2+json",
            "application/json"})
    public WebEndpointResponse<Resource> containers() {
        ScanSnapshot s = store.latest();
        return s == null ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE)
                : new WebEndpointResponse<>(new InputStreamResource(json.document(s)));
    }

    /**
     * One container and its process list, written as the document writes a container (404 when unknown); for
     * {@code events}, the events ring after {@code since} (every event kept when absent).
     */
    @ReadOperation(produces = {"application/vnd.spring-boot.actuator.v3+json", "application/vnd.spring-boot.actuator.v2+json",
            "application/json"})
    public WebEndpointResponse<Resource> container(@Selector String id, @Nullable Long since) {
        if (EVENTS.equals(id)) {
            return new WebEndpointResponse<>(new ByteArrayResource(EventsJson.write(events.since(since == null ? 0 : since))));
        }
        ScanSnapshot s = store.latest();
        return s == null ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE)
                : s.find(id).map(c -> new WebEndpointResponse<Resource>(new ByteArrayResource(ContainersJson.detail(s, c, commandLines))))
                .orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
    }

    /** {@code /actuator/containers/{id}/history}; any other second part is a 404. */
    @ReadOperation
    public ContainerHistory history(@Selector String id, @Selector String view) {
        ScanSnapshot s = store.latest();
        if (s == null || !HISTORY.equals(view)) {
            return null;
        }
        return s.find(id).map(c -> ContainerHistory.of(c, history, interval)).orElse(null);
    }
}
