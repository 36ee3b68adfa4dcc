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
        assertThat(lines.get(0)).startsWith("ID").contains("RUNTIME", "NAME", "POD", "PID1", "PROCS", "HOST-NS", "REACH");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("docker").contains("fx-hostnet").contains("net,user"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("pidns-").contains("sandbox"));
        // stdout is the table alone; the summary line goes to stderr, so that stdout pipes cleanly
        assertThat(lines).hasSize(15);
        assertThat(r.stderr().lines().toList()).singleElement().asString().startsWith("14 containers, 26 processes, cgroup hybrid");
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

    @Test
    void versionPrintsTheVersionAndRevisionAndExits0() throws Exception {
        for (String arg : List.of("--version", "version")) {
            Live.Result r = nscope(arg);
            assertThat(r.exit()).as(arg + ": " + r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).as(arg).singleElement().asString()
                    .matches("nscope, version \\S+ \\(revision: ([0-9a-f]{40}|unknown), built: \\S+, java: \\S+\\)");
            assertThat(r.stderr()).as(arg).isEmpty();
        }
        // built from this checkout (git.properties is written at every build): its HEAD
        Live.Result head = Live.run(List.of("git", "rev-parse", "HEAD"), 30);
        if (head.exit() == 0) {
            assertThat(nscope("version").stdout()).contains("revision: " + head.stdout().strip() + ",");
        }
    }

    @Test
    void anUnknownOptionOrCommandIsExit2AndOneLineWithTheUsage() throws Exception {
        for (String[] args : new String[][] {{"-x"}, {"--verbose"}, {"scna"}, {"scan", "--fromat=json"}, {"bench", "--format=json"}}) {
            Live.Result r = nscope(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.stderr().lines().toList()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("nscope: unknown ").contains("; usage: nscope");
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Test
    void eachCommandHasItsHelp() throws Exception {
        Live.Result scan = nscope("scan", "--help");
        assertThat(scan.exit()).isZero();
        assertThat(scan.stdout()).startsWith("usage: nscope scan").contains("--runtime=", "--namespace=", "--container=", "--no-headers");
        assertThat(nscope("help", "scan").stdout()).isEqualTo(scan.stdout());
        assertThat(nscope("bench", "--help").stdout()).startsWith("usage: nscope bench [--passes=N]");
    }

    /** A bad value is found before Spring starts: one line, exit 2, and nothing of a start (no banner, no log) on stdout. */
    @Test
    void aBadPropertyIsReportedBeforeSpringStarts() throws Exception {
        Live.Result r = nscope("--nscope.scan-interval=0s", "--server.port=0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr().lines()).containsExactly("nscope: nscope.scan-interval must be positive (got PT0S)");
        assertThat(r.stdout()).as("Spring's banner and start-up log").isEmpty();
        // the environment is read the same way, for the one-shot commands too
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "NSCOPE_PID1_ZOMBIE_GRACE=-1s"));
        cmd.addAll(Live.nscopeCommand("scan"));
        Live.Result env = Live.run(cmd, 120);
        assertThat(env.exit()).isEqualTo(2);
        assertThat(env.stderr().lines()).containsExactly("nscope: nscope.pid1.zombie-grace must not be negative (got PT-1S)");
        assertThat(env.stdout()).isEmpty();
    }
}
