package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcWchanTest {
    private static String parse(String s) throws MalformedFileException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ProcWchan.parse(b, b.length);
    }

    @Test
    void capturedSymbols() throws IOException {
        var paths = Fixtures.paths(Fixtures.V2_CASES, "host");
        FileBytes b = new FileBytes();
        b.read(paths.pidFile(448, "wchan"));
        assertThat(ProcWchan.parse(b.data(), b.length())).isEqualTo("do_sigtimedwait.isra.0");
        b.read(paths.pidFile(457, "wchan"));
        assertThat(ProcWchan.parse(b.data(), b.length())).isEqualTo("signalfd_read_iter");
        assertThat(ProcWchan.isSigtimedwait("do_sigtimedwait.isra.0")).isTrue();
        assertThat(ProcWchan.isSigtimedwait("signalfd_read_iter")).isFalse();
        assertThat(ProcWchan.isSigtimedwait(null)).isFalse();
    }

    @Test
    void zeroMeansUnknown() throws MalformedFileException {
        assertThat(parse("0")).isNull();
        assertThat(parse("0\n")).isNull();
        assertThat(parse("do_wait\n")).isEqualTo("do_wait");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "do wait", "do_wait\nx", "ß", "00 ", "-1"})
    void garbageIsMalformed(String s) {
        assertThatThrownBy(() -> parse(s)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void tooLongIsMalformed() {
        assertThatThrownBy(() -> parse("a".repeat(300))).isInstanceOf(MalformedFileException.class);
    }
}
