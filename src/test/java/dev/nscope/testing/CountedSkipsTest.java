package dev.nscope.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** A test class whose prerequisites are missing shows each of its tests as skipped, with the reason. */
class CountedSkipsTest {

    static class NeedsWhatIsNotHere {
        @BeforeAll
        static void prerequisites() {
            Assumptions.abort("a thing this machine lacks");
        }

        @Test
        void one() {
        }

        @Test
        void two() {
        }
    }

    @Test
    void eachTestOfAClassWhoseSetUpAbortsIsCountedAsSkippedWithTheReason() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(NeedsWhatIsNotHere.class))
                .execute().testEvents();
        assertThat(tests.aborted().count()).isEqualTo(2);
        assertThat(tests.succeeded().count()).isZero();
        tests.aborted().stream().forEach(e -> assertThat(e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage))
                .hasValue("a thing this machine lacks"));
    }
}
