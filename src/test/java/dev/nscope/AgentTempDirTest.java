package dev.nscope;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the agent and the one-shot commands leave on disk: nothing. JNA's native library and Tomcat's
 * directories go to one directory of the process under {@code java.io.tmpdir}, removed at exit; a killed
 * process's is removed by the next start. The JVMs run with a {@code java.io.tmpdir} and an
 * {@code XDG_CACHE_HOME} of this test's, so what they leave is seen.
 */
class AgentTempDirTest {
    @TempDir
    Path tmp;

    List<String> env() {
        return List.of("env", "XDG_CACHE_HOME=" + tmp.resolve("cache"), "JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=" + tmp.resolve("tmp"));
    }

    List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).filter(p -> !p.isEmpty()).sorted().toList();
        }
    }

    @Test
    void theAgentLeavesNothingAfterAStop() throws Exception {
        Files.createDirectories(tmp.resolve("tmp"));
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        try (AgentProcess agent = AgentProcess.start(env(), "--nscope.procfs=" + root.resolve("proc"), "--nscope.sysfs=" + root.resolve("sys"))) {
            HttpClient http = HttpClient.newHttpClient();
            agent.awaitUp(http, "http://127.0.0.1:" + agent.port + "/actuator/health", Duration.ofSeconds(90));
            List<String> running = listing(tmp.resolve("tmp"));
            assertThat(running).as("one directory of the process, Tomcat's inside it").first().asString()
                    .startsWith("nscope-" + agent.process.pid() + "-");
            assertThat(running).allSatisfy(p -> assertThat(p).startsWith(running.get(0)));
            assertThat(running).contains(running.get(0) + "/tomcat", running.get(0) + "/tomcat/docbase");
            agent.process.destroy();
            assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(listing(tmp.resolve("tmp"))).as("after SIGTERM\n" + agent.output()).isEmpty();
        }
        assertThat(tmp.resolve("cache")).as("JNA's default under $XDG_CACHE_HOME").doesNotExist();
    }

    /**
     * A killed process's directory is removed by the next start, whichever command it is; a live process's
     * stays, and a link named like one is neither followed nor removed.
     */
    @Test
    void aKilledProcesssDirectoryIsRemovedByTheNextStart() throws Exception {
        Path t = Files.createDirectories(tmp.resolve("tmp"));
        Path dead = Files.createDirectories(t.resolve("nscope-999999999-1/tomcat/work"));
        Files.writeString(dead.resolve("left"), "x");
        Path alive = Files.createDirectories(t.resolve("nscope-" + ProcessHandle.current().pid() + "-2"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Files.createSymbolicLink(t.resolve("nscope-999999998-3"), outside);
        Path fixture = Fixtures.unpack(Fixtures.V1_DOCKER);
        List<String> cmd = new ArrayList<>(env());
        cmd.addAll(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "scan", "--nscope.procfs=" + fixture.resolve("proc"),
                "--nscope.sysfs=" + fixture.resolve("sys"), "--nscope.pid1.zombie-grace=0s"));
        Live.Result r = Live.run(cmd, 120);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(listing(t)).containsExactlyInAnyOrder(alive.getFileName().toString(), "nscope-999999998-3");
        assertThat(outside.resolve("keep")).exists();
        assertThat(tmp.resolve("cache")).doesNotExist();
    }
}
