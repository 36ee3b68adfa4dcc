package dev.nscope.agent;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code scanner} health: UP while scans succeed; DOWN when the last successful scan is older than
 * three intervals (scans failing or stuck).
 */
public class ScannerHealthIndicator implements HealthIndicator {
    private final ScanService service;
    private final SnapshotStore store;

    public ScannerHealthIndicator(ScanService service, SnapshotStore store) {
        this.service = service;
        this.store = store;
    }

    @Override
    public Health health() {
        ScanSnapshot s = store.latest();
        long last = service.lastSuccessNanos();
        if (s == null || last == 0) {
            return Health.down().withDetail("reason", "no scan has succeeded yet").build();
        }
        long ageMillis = (System.nanoTime() - last) / 1_000_000;
        Health.Builder b = ageMillis > 3 * service.interval().toMillis() ? Health.down() : Health.up();
        return b.withDetail("lastScanAgeMillis", ageMillis)
                .withDetail("scanMillis", s.node().scanMillis())
                .withDetail("containers", s.containers().size())
                .withDetail("processes", s.node().processes())
                .withDetail("failedScans", service.failures())
                .build();
    }
}
