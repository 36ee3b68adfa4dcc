package dev.nscope.snapshot;

import dev.nscope.scan.ScanSnapshot;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** The latest snapshot, published atomically; readers never see a scan in progress. */
public class SnapshotStore {
    private final AtomicReference<ScanSnapshot> latest = new AtomicReference<>();
    private final List<Consumer<ScanSnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** The latest snapshot, or null before the first scan finished. */
    public ScanSnapshot latest() {
        return latest.get();
    }

    public void publish(ScanSnapshot s) {
        latest.set(s);
        for (Consumer<ScanSnapshot> l : listeners) {
            l.accept(s);
        }
    }

    /** Called on the scanning thread after each publish. */
    public void onPublish(Consumer<ScanSnapshot> listener) {
        listeners.add(listener);
    }
}
