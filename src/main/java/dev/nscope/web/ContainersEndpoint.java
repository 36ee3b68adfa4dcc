package dev.nscope.web;

import dev.nscope.agent.SnapshotStore;
import dev.nscope.scan.ScanSnapshot;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/containers}: the latest snapshot as the contract's document, and
 * {@code /actuator/containers/{id}} (full id, unique prefix of 12+ characters, or name) with the
 * process list (with each process's {@code cmdline} only when {@code nscope.web.command-lines} is on);
 * an unknown id is a 404. Reads the snapshot only.
 */
@Endpoint(id = "containers")
public class ContainersEndpoint {
    private final SnapshotStore store;
    private final boolean commandLines;

    public ContainersEndpoint(SnapshotStore store, boolean commandLines) {
        this.store = store;
        this.commandLines = commandLines;
    }

    @ReadOperation
    public ContainersDocument containers() {
        ScanSnapshot s = store.latest();
        return s == null ? null : ContainersDocument.of(s);
    }

    @ReadOperation
    public ContainersDocument.ContainerDetail container(@Selector String id) {
        ScanSnapshot s = store.latest();
        if (s == null) {
            return null;
        }
        return s.find(id).map(c -> ContainersDocument.detail(c, s.node().hostNamespaces(), commandLines)).orElse(null);
    }
}
