package dev.nscope.agent;

import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent handles SIGTERM itself and is gone within a couple of seconds: as a process of the host, and
 * as PID 1 of a pid namespace of its own (as in a container), where the kernel delivers SIGTERM only to a
 * PID 1 that handles it, and where nscope's own scanner, looking from the host, must find nothing to flag.
 */
class ShutdownTest {
    static final long LIMIT_MILLIS = 3000;

    static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void sigtermStopsTheAgentWithinThreeSeconds() throws Exception {
        // scans every 100 ms over the live /proc, so a scan is likely under way when the signal comes
        try (AgentProcess agent = AgentProcess.start("--nscope.scan-interval=100ms")) {
            HttpClient client = http();
            String health = "http://127.0.0.1:" + agent.port + "/actuator/health";
            agent.awaitUp(client, health, Duration.ofSeconds(90));
            // a kept-alive connection and a scrape just before the signal
            assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // and a slow client that sent half a request: it must not hold the stop up
            Socket slow = new Socket("127.0.0.1", agent.port);
            slow.getOutputStream().write("GET /actuator/prometheus HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            Thread.sleep(250);
            long t0 = System.nanoTime();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(agent.process.pid())).start().waitFor()).isZero();
            boolean exited = agent.process.waitFor(10, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            slow.close();
            System.out.printf("agent: SIGTERM -> exit %s in %d ms%n", exited ? agent.process.exitValue() : "none", millis);
            assertThat(exited).as("exited after SIGTERM\n" + agent.output()).isTrue();
            assertThat(millis).as("ms from SIGTERM to exit\n" + agent.output()).isLessThanOrEqualTo(LIMIT_MILLIS);
            assertThat(agent.process.exitValue()).as(agent.output()).isIn(0, 143);
            assertThat(agent.stdout() + agent.stderr()).as("a clean stop: no scan failure, no stack trace")
                    .doesNotContain("scan failed").doesNotContain("Exception");
        }
    }

    @Test
    void asPid1OfItsOwnPidNamespaceItCatchesSigtermPassesItsOwnChecksAndStops() throws Exception {
        Live.requireRoot();
        Live.require(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare (Debian's util-linux)");
        try (AgentProcess agent = AgentProcess.start(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc"),
                "--nscope.scan-interval=1s")) {
            HttpClient client = http();
            agent.awaitUp(client, "http://127.0.0.1:" + agent.port + "/actuator/health", Duration.ofSeconds(90));
            ProcessHandle java = agent.process.toHandle().children().findFirst()
                    .orElseThrow(() -> new AssertionError("unshare has no child"));
            assertThat(java.info().command().orElse("")).endsWith("java");
            assertThat(Files.readString(Path.of("/proc/" + java.pid() + "/status")))
                    .as("the agent is PID 1 of its namespace").containsPattern("(?m)^NSpid:\\s+" + java.pid() + "\\s+1$");
            String id = "pidns-" + inode(Files.readSymbolicLink(Path.of("/proc/" + java.pid() + "/ns/pid")).toString());

            // nscope judges the sandbox from the host, as any container: verdicts need two looks
            Scanner scanner = new Scanner(HostPaths.live(), ScanOptions.defaults().withZombieGrace(Duration.ofMillis(500)));
            scanner.scan();
            Thread.sleep(700);
            ScanSnapshot s = scanner.scan();
            ContainerSnapshot c = s.find(id).orElseThrow(() -> new AssertionError("no sandbox " + id));
            assertThat(c.runtime().label()).isEqualTo("sandbox");
            assertThat(c.pid1()).isNotNull();
            assertThat(c.pid1().hostPid()).isEqualTo((int) java.pid());
            assertThat(c.pid1().catchesSigterm()).as("the JVM handles SIGTERM").isTrue();
            List<String> pid1Findings = c.findings().stream().map(Finding::rule).filter(r -> r.startsWith("pid1-")).toList();
            assertThat(pid1Findings).as("findings " + c.findings()).isEmpty();
            System.out.printf("agent as PID 1 (%s): initKind %s, catchesSigterm %s, findings %s%n", id, c.pid1().initKind(),
                    c.pid1().catchesSigterm(), c.findings().stream().map(Finding::rule).toList());

            // the runtime's stop: SIGTERM to PID 1 from the host
            long t0 = System.nanoTime();
            CompletableFuture<ProcessHandle> gone = java.onExit();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(java.pid())).start().waitFor()).isZero();
            Optional<Long> millis;
            try {
                gone.get(10, TimeUnit.SECONDS);
                millis = Optional.of((System.nanoTime() - t0) / 1_000_000);
            } catch (java.util.concurrent.TimeoutException e) {
                millis = Optional.empty();
            }
            assertThat(agent.process.waitFor(5, TimeUnit.SECONDS)).as("unshare exits with its child").isTrue();
            System.out.printf("agent as PID 1: SIGTERM -> exit in %s ms, unshare exit %d%n", millis.map(String::valueOf).orElse("(none)"),
                    agent.process.exitValue());
            assertThat(millis).as("PID 1 exited after SIGTERM\n" + agent.output()).isPresent();
            // ProcessHandle watches a non-child by polling: close to the exit, never earlier
            assertThat(millis.get()).as("ms from SIGTERM to exit\n" + agent.output()).isLessThanOrEqualTo(LIMIT_MILLIS);
            assertThat(agent.process.exitValue()).as(agent.output()).isIn(0, 143);
        }
    }

    /**
     * SIGTERM at any moment stops the agent: while Spring starts, and while its first scan is stuck (here on
     * a {@code stat} that is a FIFO nobody writes: the read never returns, as on a hung filesystem).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {300, 1500, 2500, 6000})
    void sigtermStopsTheAgentWhileItStartsAndWhileItsFirstScanIsStuck(long afterMillis, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path tree = stuckTree(tmp);
        try (AgentProcess agent = AgentProcess.start("--nscope.procfs=" + tree.resolve("proc"), "--nscope.sysfs=" + tree.resolve("sys"))) {
            Thread.sleep(afterMillis);
            assertThat(agent.process.isAlive()).as(agent.output()).isTrue();
            long t0 = System.nanoTime();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(agent.process.pid())).start().waitFor()).isZero();
            boolean exited = agent.process.waitFor(15, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("agent, SIGTERM %d ms after start (first scan stuck): exit %s in %d ms%n", afterMillis,
                    exited ? agent.process.exitValue() : "none", millis);
            assertThat(exited).as("exited after SIGTERM\n" + agent.output()).isTrue();
            assertThat(millis).as("ms from SIGTERM to exit\n" + agent.output()).isLessThanOrEqualTo(LIMIT_MILLIS);
            assertThat(agent.process.exitValue()).as(agent.output()).isIn(0, 143);
        }
    }

    /** Until its first scan is published the agent is alive but not ready, and its document says so (503). */
    @Test
    void untilItsFirstScanTheAgentIsAliveButNotReady(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path tree = stuckTree(tmp);
        try (AgentProcess agent = AgentProcess.start("--nscope.procfs=" + tree.resolve("proc"), "--nscope.sysfs=" + tree.resolve("sys"))) {
            HttpClient client = http();
            String base = "http://127.0.0.1:" + agent.port;
            agent.awaitUp(client, base + "/actuator/health/liveness", Duration.ofSeconds(90));
            assertThat(get(client, base + "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get(client, base + "/actuator/health/readiness").body()).contains("\"scanner\"", "no scan has succeeded yet");
            assertThat(get(client, base + "/actuator/containers").statusCode()).isEqualTo(503);
            assertThat(get(client, base + "/actuator/prometheus").statusCode()).isEqualTo(200);
        }
    }

    static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A copy of the v2 capture where one process's {@code stat} is a FIFO nobody writes: a scan that reads it hangs. */
    static Path stuckTree(Path tmp) throws Exception {
        Path tree = tmp.resolve("t");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V2_CASES).resolve("host").toString(), tree.toString())
                .start().waitFor()).isZero();
        Path stat = tree.resolve("proc/448/stat");
        Files.delete(stat);
        assertThat(new ProcessBuilder("mkfifo", stat.toString()).start().waitFor()).isZero();
        return tree;
    }

    static long inode(String link) {
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
    }
}
