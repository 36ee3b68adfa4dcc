package dev.nscope.cli;

import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real command line, in a separate JVM: exit codes and the one-line errors a user sees. */
class CommandExitTest {

    static Live.Result nscope(String... args) throws Exception {
        return Live.run(Live.nscopeCommand(args), 120);
    }

    static String fixture(String dir) {
        return Fixtures.unpack(Fixtures.V1_DOCKER).resolve(dir).toString();
    }

    @Test
    void scanPrintsATableOfTheContainers() throws Exception {
        Live.Result r = nscope("scan", "--nscope.procfs=" + fixture("proc"), "--nscope.sysfs=" + fixture("sys"),
                "--nscope.runtime.docker-root=" + fixture("var/lib/docker"), "--nscope.pid1.zombie-grace=0s");
        assertThat(r.exit()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("RUNTIME", "NAME", "POD", "PID1", "PROCS", "HOST-NS");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("docker").contains("fx-hostnet").contains("net,user"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("pidns-").contains("sandbox"));
        assertThat(lines.get(lines.size() - 1)).startsWith("14 containers, 26 processes, cgroup hybrid");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void aMissingProcfsIsOneLineAndExit2() throws Exception {
        Live.Result r = nscope("scan", "--nscope.procfs=/nonexistent/proc");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().lines()).containsExactly("nscope: nscope.procfs /nonexistent/proc is not a directory");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aDirectoryThatIsNotAProcfsIsRefused() throws Exception {
        Live.Result r = nscope("scan", "--nscope.procfs=" + Path.of(fixture("sys")));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().lines()).singleElement().asString().contains("is not a procfs");
    }

    @Test
    void anUnknownFormatIsOneLineAndExit2() throws Exception {
        Live.Result r = nscope("scan", "--format=yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().lines()).singleElement().asString().contains("unknown format 'yaml'");
    }

    @Test
    void badAgentConfigurationFailsAtStartWithOneLine() throws Exception {
        Live.Result zero = nscope("--nscope.scan-interval=0s", "--server.port=0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.stderr().lines()).containsExactly("nscope: nscope.scan-interval must be positive (got PT0S)");
        Live.Result garbage = nscope("--nscope.scan-interval=often", "--server.port=0");
        assertThat(garbage.exit()).isEqualTo(2);
        assertThat(garbage.stderr().lines()).singleElement().asString().startsWith("nscope: invalid value for nscope.scan-interval ('often')");
        Live.Result rule = nscope("scan", "--nscope.rules.disabled=no-such-rule");
        assertThat(rule.exit()).isEqualTo(2);
        assertThat(rule.stderr().lines()).singleElement().asString().contains("unknown rule 'no-such-rule'");
        Live.Result history = nscope("--nscope.history.points=1", "--server.port=0");
        assertThat(history.exit()).isEqualTo(2);
        assertThat(history.stderr().lines()).containsExactly("nscope: nscope.history.points must be between 2 and 10000 (got 1)");
    }

    @Test
    void helpIsExit0() throws Exception {
        Live.Result r = nscope("help");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("nscope scan [--format=table|json]");
    }
}
