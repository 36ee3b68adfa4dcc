package dev.nscope.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventRingTest {

    static ContainerEvent stopped(String id, String outcome) {
        return new ContainerEvent(99, Instant.parse("2025-01-01T00:00:00Z"), ContainerEvent.STOPPED, id, "web", "docker", null,
                new ContainerEvent.Pid1(4242, "sleep"), outcome.equals("exited") ? 0 : null,
                outcome.equals("killed") ? "SIGKILL" : null, outcome, List.of("pid1-sigterm-dropped"), 12.5);
    }

    @Test
    void numbersFromOneAndAnswersWhatCameAfter() {
        EventRing r = new EventRing(10);
        assertThat(r.lastSeq()).isZero();
        assertThat(r.since(0)).isEmpty();
        ContainerEvent first = r.add(stopped("a", "exited"));
        assertThat(first.seq()).as("the event's own seq is ignored").isEqualTo(1);
        r.add(stopped("b", "killed"));
        r.add(stopped("c", "killed"));
        assertThat(r.lastSeq()).isEqualTo(3);
        assertThat(r.since(0)).extracting(ContainerEvent::id).containsExactly("a", "b", "c");
        assertThat(r.since(-5)).hasSize(3);
        assertThat(r.since(1)).extracting(ContainerEvent::seq).containsExactly(2L, 3L);
        assertThat(r.since(3)).isEmpty();
        assertThat(r.since(50)).isEmpty();
    }

    @Test
    void keepsOnlyTheNewestWhenFull() {
        EventRing r = new EventRing(3);
        for (int i = 1; i <= 7; i++) {
            r.add(stopped("c" + i, "exited"));
        }
        assertThat(r.since(0)).extracting(ContainerEvent::seq).containsExactly(5L, 6L, 7L);
        assertThat(r.since(5)).extracting(ContainerEvent::id).containsExactly("c6", "c7");
        assertThat(r.lastSeq()).isEqualTo(7);
    }

    @Test
    void countsStopsByOutcomeBeyondTheRing() {
        EventRing r = new EventRing(1);
        assertThat(r.stopsByOutcome()).containsExactly(java.util.Map.entry("exited", 0L), java.util.Map.entry("killed", 0L),
                java.util.Map.entry("oom-killed", 0L), java.util.Map.entry("signaled", 0L));
        r.add(stopped("a", "killed"));
        r.add(stopped("b", "killed"));
        r.add(stopped("c", "oom-killed"));
        r.add(new ContainerEvent(0, Instant.now(), ContainerEvent.STARTED, "d", null, "docker", null, null, null, null, null, null, null));
        assertThat(r.stopsByOutcome()).containsEntry("killed", 2L).containsEntry("oom-killed", 1L).containsEntry("exited", 0L);
        assertThat(r.since(0)).singleElement().satisfies(e -> assertThat(e.confirms()).isEmpty());
    }

    @Test
    void capacityIsChecked() {
        assertThatThrownBy(() -> new EventRing(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventRing(100_001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new EventRing(100_000).capacity()).isEqualTo(100_000);
    }

    @Test
    void writersAndReadersTogetherSeeEveryNumberOnce() throws InterruptedException {
        EventRing r = new EventRing(100_000);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 5_000; i++) {
                    r.add(stopped("x", "exited"));
                }
            });
            w.start();
            writers.add(w);
        }
        go.countDown();
        long seen = 0;
        long next = 1;
        while (seen < 20_000) {
            for (ContainerEvent e : r.since(seen)) {
                assertThat(e.seq()).isEqualTo(next++);
                seen = e.seq();
            }
        }
        for (Thread w : writers) {
            w.join();
        }
        assertThat(r.stopsByOutcome()).containsEntry("exited", 20_000L);
    }
}
