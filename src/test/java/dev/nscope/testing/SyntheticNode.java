package dev.nscope.testing;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A big node made from a real capture: the containers of the device's v2 capture, copied under new ids. */
public final class SyntheticNode {
    private SyntheticNode() {
    }

    /** A scan of the capture (the node, and containers to copy). */
    public static ScanSnapshot capture() {
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        SnapshotStore store = new SnapshotStore();
        new ScanService(scanner, store, Duration.ofSeconds(10)).runOnce();
        return store.latest();
    }

    /** The capture's containers, copied under new ids (64 hex digits) up to {@code n}. */
    public static List<ContainerSnapshot> containers(int n) {
        return copies(capture(), n);
    }

    /** The capture's node with {@code n} containers. */
    public static ScanSnapshot snapshot(int n) {
        ScanSnapshot s = capture();
        return new ScanSnapshot(s.node(), copies(s, n));
    }

    private static List<ContainerSnapshot> copies(ScanSnapshot s, int n) {
        List<ContainerSnapshot> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            ContainerSnapshot c = s.containers().get(i % s.containers().size());
            out.add(TestData.container(c).id(String.format("%064x", i)).build());
        }
        return out;
    }
}
