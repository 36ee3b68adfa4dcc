package dev.nscope.agent;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** When the heap warning starts and ends, fed collections as the JVM reports them (no real pressure needed). */
class HeapWatchTest {
    static final long MIB = 1 << 20;

    @Test
    void aMajorCollectionAbove85PercentWarnsUntilACollectionBelow() {
        HeapWatch w = new HeapWatch(100 * MIB, Set.of("Tenured Gen", "Eden Space"));
        w.observe(true, 80 * MIB);
        assertThat(w.get()).isNull();
        w.observe(true, 90 * MIB);
        assertThat(w.get()).isEqualTo("heap near its limit: 90 MiB of 100 MiB (90 %) in use after a garbage collection; "
                + "raise the heap (-Xmx, or the memory of the container, which sizes it)");
        w.observe(false, 95 * MIB);
        assertThat(w.get()).as("while it lasts, with the latest figures").contains("95 MiB");
        w.observe(false, 40 * MIB);
        assertThat(w.get()).isNull();
    }

    /** What a minor collection leaves may be old garbage: three in a row above the line are needed. */
    @Test
    void minorCollectionsAboveTheLineWarnOnlyInARow() {
        HeapWatch w = new HeapWatch(100 * MIB, Set.of());
        w.observe(false, 90 * MIB);
        w.observe(false, 90 * MIB);
        w.observe(false, 50 * MIB);
        w.observe(false, 90 * MIB);
        w.observe(false, 90 * MIB);
        assertThat(w.get()).isNull();
        w.observe(false, 90 * MIB);
        assertThat(w.get()).startsWith("heap near its limit: 90 MiB of 100 MiB (90 %)");
    }

    /** The watch listens to this JVM's collectors; a collection below the line leaves no warning. */
    @Test
    void itListensToThisJvm() {
        try (HeapWatch w = HeapWatch.start()) {
            System.gc();
            assertThat(w.get()).isNull();
        }
    }
}
