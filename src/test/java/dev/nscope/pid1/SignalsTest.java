package dev.nscope.pid1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalsTest {
    @Test
    void names() {
        assertThat(Signals.name(1)).isEqualTo("SIGHUP");
        assertThat(Signals.name(9)).isEqualTo("SIGKILL");
        assertThat(Signals.name(15)).isEqualTo("SIGTERM");
        assertThat(Signals.name(17)).isEqualTo("SIGCHLD");
        assertThat(Signals.name(31)).isEqualTo("SIGSYS");
        assertThat(Signals.name(32)).isEqualTo("SIG32");
        assertThat(Signals.name(33)).isEqualTo("SIG33");
        assertThat(Signals.name(34)).isEqualTo("SIGRTMIN");
        assertThat(Signals.name(37)).isEqualTo("SIGRTMIN+3");
        assertThat(Signals.name(64)).isEqualTo("SIGRTMIN+30");
        assertThatThrownBy(() -> Signals.name(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signals.name(65)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesRoundTrip() {
        for (int sig = 1; sig <= 64; sig++) {
            assertThat(Signals.parse(Signals.name(sig))).as(Signals.name(sig)).isEqualTo(sig);
        }
    }

    @Test
    void masksDecodeToNames() {
        assertThat(Signals.names(0x10002L)).containsExactly("SIGINT", "SIGCHLD");
        assertThat(Signals.names(0x14000L)).containsExactly("SIGTERM", "SIGCHLD");
        assertThat(Signals.names(0x300000L)).containsExactly("SIGTTIN", "SIGTTOU");
        assertThat(Signals.names(0)).isEmpty();
        assertThat(Signals.names(-1L)).hasSize(64).startsWith("SIGHUP").endsWith("SIGRTMIN+30");
        // catatonit: everything but SIGKILL, SIGSTOP, SIG32, SIG33 and a few it leaves alone
        assertThat(Signals.names(0xfffffffe3ffbfa07L)).contains("SIGTERM", "SIGCHLD", "SIGRTMIN")
                .doesNotContain("SIGKILL", "SIGSTOP", "SIG32", "SIG33");
        assertThat(Signals.hex(0x4000)).isEqualTo("0000000000004000");
    }

    @Test
    void bitsAreSignalMinusOne() {
        assertThat(Signals.bit(Signals.SIGTERM)).isEqualTo(0x4000L);
        assertThat(Signals.bit(Signals.SIGCHLD)).isEqualTo(0x10000L);
        assertThat(Signals.bit(64)).isEqualTo(Long.MIN_VALUE);
        assertThat(Signals.has(0x14002L, Signals.SIGTERM)).isTrue();
        assertThat(Signals.has(0x10002L, Signals.SIGTERM)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"SIGTERM,15", "TERM,15", "15,15", "sigusr1,10", "SIGUSR1,10", "usr1,10", "' SIGQUIT ',3", "9,9",
            "SIGKILL,9", "SIGRTMIN+3,37", "RTMIN+3,37", "sigrtmin,34", "SIGRTMAX,64", "SIGRTMAX-2,62", "RTMAX-30,34",
            "SIGIOT,6", "SIGCLD,17", "SIGPOLL,29", "SIGIO,29", "SIGPWR,30", "64,64", "1,1", "SIG32,32"})
    void stopSignalForms(String text, int expected) {
        assertThat(Signals.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0", "65", "100", "-15", "SIG", "TERMINATE", "SIGRTMIN+31", "RTMAX-31", "RTMIN+",
            "RTMIN+x", "SIGTERM;", "15.0", "0x0f", "SIG 15"})
    void notSignals(String text) {
        assertThat(Signals.parse(text)).isEqualTo(-1);
    }

    @Test
    void stopSignalDefaultsToSigterm() {
        assertThat(Signals.stopSignalOrTerm(null)).isEqualTo(15);
        assertThat(Signals.stopSignalOrTerm("")).isEqualTo(15);
        assertThat(Signals.stopSignalOrTerm("bogus")).isEqualTo(15);
        assertThat(Signals.stopSignalOrTerm("SIGUSR1")).isEqualTo(10);
        assertThat(Signals.stopSignalOrTerm("SIGRTMIN+3")).as("systemd containers").isEqualTo(37);
    }
}
