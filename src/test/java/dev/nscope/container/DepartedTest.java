package dev.nscope.container;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one policy for containers that went: kept a while, at most so many, the oldest forgotten first. */
class DepartedTest {
    static final long MINUTE = 60_000_000_000L;

    static ContainerKey key(String id) {
        return new ContainerKey(Runtime.DOCKER, id);
    }

    @Test
    void aContainerThatWentIsReturnedOnceWhileKeptAndForgottenAfterItsTime() {
        Departed<String> d = new Departed<>();
        d.went(key("a"), "exit of a", 0);
        d.forget(Departed.KEEP_NANOS);
        assertThat(d.returned(key("a"))).as("kept for its whole time").isEqualTo("exit of a");
        assertThat(d.returned(key("a"))).as("once").isNull();

        d.went(key("b"), "b", 0);
        d.forget(Departed.KEEP_NANOS + 1);
        assertThat(d.returned(key("b"))).isNull();
    }

    @Test
    void goingAgainMakesItTheNewestAndTheOldestGoFirstPastTheBound() {
        Departed<String> d = new Departed<>();
        d.went(key("a"), "a first", 0);
        d.went(key("b"), "b", 5 * MINUTE);
        d.went(key("a"), "a again", 10 * MINUTE);
        d.forget(21 * MINUTE);
        assertThat(d.returned(key("b"))).as("went 16 minutes before (a, which went first, went again since)").isNull();
        assertThat(d.returned(key("a"))).as("went again 11 minutes before").isEqualTo("a again");

        for (int i = 0; i <= Departed.MAX; i++) {
            d.went(key("c" + i), "c" + i, i);
        }
        d.forget(Departed.MAX);
        assertThat(d.size()).isEqualTo(Departed.MAX);
        assertThat(d.returned(key("c0"))).as("the oldest past the bound").isNull();
        assertThat(d.returned(key("c1"))).isEqualTo("c1");
    }
}
