package dev.nscope.snapshot;

import dev.nscope.host.HostPaths;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's own warnings reach node.warnings of every published snapshot, after the scanner's, while they last. */
class AgentWarningsTest {

    @Test
    void publishedSnapshotsCarryTheAgentsWarningsWhileTheyLast() {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        Scanner scanner = new Scanner(new HostPaths(root.resolve("proc"), root.resolve("sys")), ScanOptions.defaults());
        SnapshotStore store = new SnapshotStore();
        AgentWarnings warnings = new AgentWarnings();
        AtomicReference<String> cert = new AtomicReference<>("TLS certificate expired");
        warnings.add(cert::get);
        warnings.add(() -> {
            throw new IllegalStateException("a broken source is skipped");
        });
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10), warnings);
        service.runOnce();
        ScanSnapshot s = store.latest();
        assertThat(s.node().warnings()).endsWith("TLS certificate expired");
        int scannerOwn = s.node().warnings().size() - 1;
        cert.set(null);
        service.runOnce();
        assertThat(store.latest().node().warnings()).hasSize(scannerOwn).doesNotContain("TLS certificate expired");
        assertThat(warnings.addTo(store.latest())).isSameAs(store.latest());
    }
}
