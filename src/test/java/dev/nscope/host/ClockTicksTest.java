package dev.nscope.host;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClockTicksTest {

    /** What getconf(1) says, or null when it cannot be run. */
    private static Long getconf(String name) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("getconf", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Long.parseLong(out) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    @Test
    void sysconfAgreesWithGetconf() throws Exception {
        assertThat(ClockTicks.fromLibc()).isTrue();
        Long ticks = getconf("CLK_TCK");
        Long page = getconf("PAGESIZE");
        assumeTrue(ticks != null && page != null, "no getconf");
        assertThat(ClockTicks.perSecond()).isEqualTo(ticks);
        assertThat(ClockTicks.pageSize()).isEqualTo(page);
    }

    @Test
    void figuresArePositive() {
        assertThat(ClockTicks.perSecond()).isPositive();
        assertThat(ClockTicks.pageSize()).isGreaterThanOrEqualTo(4096);
    }
}
