package dev.nscope.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceGapsTest {

    @Test
    void countsWhatEachCpuSkipped() {
        SequenceGaps g = new SequenceGaps();
        assertThat(g.missed(0, 10)).as("a CPU's first message sets its start").isZero();
        assertThat(g.missed(0, 11)).isZero();
        assertThat(g.missed(1, 500)).isZero();
        assertThat(g.missed(0, 15)).isEqualTo(3);
        assertThat(g.missed(1, 501)).isZero();
        assertThat(g.missed(40, 7)).as("CPUs past the first array").isZero();
        assertThat(g.missed(40, 9)).isEqualTo(1);
    }

    @Test
    void wrapsAt2To32AndIgnoresAStepBack() {
        SequenceGaps g = new SequenceGaps();
        g.missed(2, 0xffffffffL - 1);
        assertThat(g.missed(2, 0xffffffffL)).isZero();
        assertThat(g.missed(2, 1)).isEqualTo(1);
        assertThat(g.missed(2, 0)).as("back by one: nothing counted").isZero();
        assertThat(g.missed(2, 1)).isZero();
        assertThat(g.missed(-1, 5)).isZero();
    }
}
