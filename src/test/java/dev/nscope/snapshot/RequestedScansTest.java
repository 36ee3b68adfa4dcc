package dev.nscope.snapshot;

import dev.nscope.scan.Scanner;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scans asked for between the interval's, on a fixture tree, with an interval of an hour so that every scan after
 * the first is a requested one: the gate, asked as each one's time comes, decides whether it runs, or when.
 */
class RequestedScansTest {

    @Test
    void aRequestedScanRunsWhenTheGateSaysSoIsAskedAgainWhenToldToWaitAndIsDroppedWhenNoLongerWanted() throws Exception {
        SnapshotStore store = new SnapshotStore();
        BlockingQueue<Object> published = new LinkedBlockingQueue<>();
        store.onPublish(published::add);
        ScanService scans = new ScanService(new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host")), store, Duration.ofHours(1));
        BlockingQueue<Long> answers = new LinkedBlockingQueue<>();
        AtomicInteger asked = new AtomicInteger();
        scans.gateRequests(() -> {
            asked.incrementAndGet();
            try {
                Long a = answers.poll(10, TimeUnit.SECONDS);
                return a == null ? -1 : a;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        });
        scans.start();
        try {
            assertThat(published.poll(30, TimeUnit.SECONDS)).as("the first scan").isNotNull();

            // no longer wanted: dropped, and the next request is taken
            answers.add(-1L);
            scans.requestScan();
            awaitAsked(asked, 1);
            // wait first, then scan: the gate is asked twice, one scan runs (asked again until taken: the request
            // dropped just now is let go a moment after the gate answered)
            answers.add(50_000_000L);
            answers.add(0L);
            for (int i = 0; i < 3000 && asked.get() < 2; i++) {
                scans.requestScan();
                Thread.sleep(10);
            }
            assertThat(published.poll(30, TimeUnit.SECONDS)).as("the requested scan").isNotNull();
            assertThat(asked.get()).isEqualTo(3);
            assertThat(scans.requestedScans()).as("the dropped request is not counted").isEqualTo(1);
            assertThat(published).as("no other scan").isEmpty();
        } finally {
            scans.stop();
        }
    }

    private static void awaitAsked(AtomicInteger asked, int n) throws InterruptedException {
        for (int i = 0; i < 3000 && asked.get() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(asked.get()).isEqualTo(n);
    }
}
