package dev.nscope.pid1;

import dev.nscope.proc.ProcessIdentity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackersTest {
    @Test
    void aValueCountsOnlyAfterEnoughLooksInARow() {
        LookConfirmer<String> c = new LookConfirmer<>(2);
        assertThat(c.observe("dropped")).isNull();
        assertThat(c.streak()).isEqualTo(1);
        assertThat(c.observe("dropped")).isEqualTo("dropped");
        assertThat(c.streak()).isEqualTo(2);
    }

    @Test
    void alternatingLooksNeverConfirm() {
        LookConfirmer<String> c = new LookConfirmer<>(2);
        for (int i = 0; i < 10; i++) {
            assertThat(c.observe(i % 2 == 0 ? "dropped" : "delivered")).isNull();
        }
    }

    @Test
    void oneDifferentLookDoesNotClearAConfirmedValue() {
        LookConfirmer<String> c = new LookConfirmer<>(3);
        c.observe("delivered");
        c.observe("delivered");
        assertThat(c.observe("delivered")).isEqualTo("delivered");
        assertThat(c.observe("dropped")).isEqualTo("delivered");
        assertThat(c.observe("dropped")).isEqualTo("delivered");
        assertThat(c.observe("dropped")).isEqualTo("dropped");
    }

    @Test
    void atLeastTwoLooks() {
        assertThatThrownBy(() -> new LookConfirmer<>(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zombieAgesCountFromTheFirstLook() {
        ZombieTracker t = new ZombieTracker();
        ProcessIdentity a = new ProcessIdentity(490, 2686);
        ProcessIdentity b = new ProcessIdentity(493, 2686);
        assertThat(t.observe(List.of(a), 1_000)).containsExactly(new ZombieTracker.Tracked(490, 2686, 1_000, 0));
        assertThat(t.observe(List.of(a, b), 4_000)).containsExactly(
                new ZombieTracker.Tracked(490, 2686, 1_000, 3_000), new ZombieTracker.Tracked(493, 2686, 4_000, 0));
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void aZombieWhoseExitIsKnownIsAsOldAsItsExitAtItsFirstLook() {
        ZombieTracker t = new ZombieTracker();
        ProcessIdentity a = new ProcessIdentity(490, 2686);
        ProcessIdentity b = new ProcessIdentity(493, 2686);
        ProcessIdentity later = new ProcessIdentity(495, 2686);
        ExitTimes exits = pid -> switch (pid) {
            case 490 -> 400L;
            case 495 -> 9_000L; // after the look: a clock that disagrees, not believed
            default -> ExitTimes.UNKNOWN;
        };
        assertThat(t.observe(List.of(a, b, later), 1_000, exits)).containsExactly(new ZombieTracker.Tracked(490, 2686, 400, 600),
                new ZombieTracker.Tracked(493, 2686, 1_000, 0), new ZombieTracker.Tracked(495, 2686, 1_000, 0));
        assertThat(t.observe(List.of(a), 2_000, pid -> 1_500L)).as("a zombie already tracked keeps its clock")
                .containsExactly(new ZombieTracker.Tracked(490, 2686, 400, 1_600));
    }

    @Test
    void aReapedZombieIsForgottenAndAReusedPidStartsItsOwnClock() {
        ZombieTracker t = new ZombieTracker();
        t.observe(List.of(new ProcessIdentity(490, 2686)), 1_000);
        assertThat(t.observe(List.of(new ProcessIdentity(490, 9999)), 9_000))
                .containsExactly(new ZombieTracker.Tracked(490, 9999, 9_000, 0));
        assertThat(t.observe(List.of(), 10_000)).isEmpty();
        assertThat(t.size()).isZero();
        assertThat(t.observe(List.of(new ProcessIdentity(490, 9999)), 11_000).get(0).ageNanos())
                .as("gone for one look: reaped, a new clock").isZero();
    }

    @Test
    void duplicatesInOneLookCountOnce() {
        ProcessIdentity a = new ProcessIdentity(7, 1);
        assertThat(new ZombieTracker().observe(List.of(a, a), 5)).hasSize(1);
    }
}
