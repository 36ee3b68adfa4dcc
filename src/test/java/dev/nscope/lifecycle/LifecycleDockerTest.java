package dev.nscope.lifecycle;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How containers live and end, seen by the agent (a process of its own, root, listening to the kernel's process
 * events) on containers this test runs with the Docker CLI: a new one is served within 2 s whatever the scan
 * interval; each way of ending is the stop's outcome; a restart is counted. Every container here has a name of this
 * run's own, and only its events are looked at: other containers may come and go on the host meanwhile.
 */
class LifecycleDockerTest {
    static final JsonMapper JSON = new JsonMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String run = "lc" + Integer.toHexString(new Random().nextInt(1 << 20));
    final List<String> started = new ArrayList<>();

    @BeforeEach
    void docker() {
        DockerTests.requireDocker();
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (!started.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
            rm.addAll(started);
            Live.run(rm, 60);
        }
    }

    /** {@code docker run -d} of the test image without networking; returns the id. */
    String docker(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--network", "none", "--name", run + "-" + name));
        cmd.addAll(List.of(args));
        Live.Result r = Live.run(cmd, 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        started.add(run + "-" + name);
        return r.stdout().trim();
    }

    static void cli(String... cmd) throws Exception {
        Live.Result r = Live.run(List.of(cmd), 60);
        assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.stderr()).isZero();
    }

    static String get(AgentProcess a, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    static AgentProcess listening(String interval) throws Exception {
        AgentProcess a = AgentProcess.start(List.of(), "--nscope.scan-interval=" + interval, "--nscope.pid1.zombie-grace=0s");
        a.awaitUp(HTTP, "http://127.0.0.1:" + a.port + "/actuator/containers", Duration.ofSeconds(90));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!get(a, "/actuator/prometheus").contains("\nnscope_event_source_up 1.0")) {
            assertThat(System.nanoTime()).as("the agent listens to the process events\n" + a.output()).isLessThan(deadline);
            Thread.sleep(100);
        }
        return a;
    }

    /** The container of this id in the document, or null. */
    static JsonNode container(AgentProcess a, String id) throws Exception {
        for (JsonNode c : JSON.readTree(get(a, "/actuator/containers")).get("containers")) {
            if (c.get("id").asString().equals(id)) {
                return c;
            }
        }
        return null;
    }

    static JsonNode awaitContainer(AgentProcess a, String id, Predicate<JsonNode> p, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode c;
        do {
            c = container(a, id);
            if (c != null && p.test(c)) {
                return c;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("container " + id + " not so within " + seconds + " s; last: " + c + "\n" + a.output());
    }

    static boolean holds(JsonNode c, String rule) {
        for (JsonNode f : c.get("findings")) {
            if (f.get("rule").asString().equals(rule)) {
                return true;
            }
        }
        return false;
    }

    /** The first event of {@code type} for container {@code id}, waited for. */
    static JsonNode awaitEvent(AgentProcess a, String id, String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode events;
        do {
            events = JSON.readTree(get(a, "/actuator/containers/events")).get("events");
            for (JsonNode e : events) {
                if (e.get("id").asString().equals(id) && e.get("type").asString().equals(type)) {
                    return e;
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + type + " event for " + id + "; the ring: " + events + "\n" + a.output());
    }

    static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aNewContainerIsServedWithin2sOfDockerRunWithAMinuteBetweenScansAndItsStartTimeIsDockers() throws Exception {
        try (AgentProcess a = listening("60s")) {
            Thread.sleep(500);
            String id = docker("new", DockerTests.IMAGE, "sleep", "600");
            long returned = System.nanoTime();
            JsonNode c = awaitContainer(a, id, x -> true, 10);
            double seconds = (System.nanoTime() - returned) / 1e9;
            System.out.printf("a new container in the document %.2f s after docker run returned (scan interval 60 s)%n", seconds);
            assertThat(seconds).as("served within 2 s").isLessThan(2.0);
            JsonNode started = awaitEvent(a, id, "started");
            assertThat(started.get("name").asString()).isEqualTo(run + "-new");

            Live.Result inspect = Live.run(List.of("docker", "inspect", "-f", "{{.State.StartedAt}}", id), 30);
            Instant docker = Instant.parse(inspect.stdout().trim());
            Instant ours = Instant.parse(c.get("startedAt").asString());
            String series = "nscope_container_start_time_seconds{container=\"\",id=\"" + id + "\"";
            String metrics = get(a, "/actuator/prometheus");
            Matcher m = Pattern.compile("(?m)^nscope_container_start_time_seconds\\{[^}]*id=\"" + id + "\"[^}]*} (\\S+)$").matcher(metrics);
            assertThat(m.find()).as(series).isTrue();
            double metric = Double.parseDouble(m.group(1));
            System.out.printf("start time: Docker %s, nscope %s (metric %.2f)%n", docker, ours, metric);
            assertThat(Math.abs(Duration.between(docker, ours).toMillis())).as("startedAt against State.StartedAt").isLessThan(2000);
            assertThat(Math.abs(metric - docker.toEpochMilli() / 1000.0)).as("the metric against State.StartedAt").isLessThan(2.0);
        }
    }

    @Test
    void eachWayOfEndingIsTheStopsOutcomeAndARestartIsCounted() throws Exception {
        try (AgentProcess a = listening("500ms")) {
            String dropper = docker("term", DockerTests.IMAGE, "sleep", "600");
            String trapper = docker("trap", DockerTests.IMAGE, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.2; done");
            String three = docker("exit3", DockerTests.IMAGE, "sh", "-c", "sleep 4; exit 3");
            String restarted = docker("restart", DockerTests.IMAGE, "sleep", "600");

            // sleep as PID 1 drops SIGTERM: held as a finding first, then docker stop -t 2 kills it
            awaitContainer(a, dropper, c -> holds(c, "pid1-sigterm-dropped"), 30);
            awaitContainer(a, trapper, c -> true, 10);
            cli("docker", "stop", "-t", "2", run + "-term");
            JsonNode killed = awaitEvent(a, dropper, "stopped");
            assertThat(killed.get("outcome").asString()).isEqualTo("killed");
            assertThat(killed.get("exitSignal").asString()).isEqualTo("SIGKILL");
            assertThat(killed.get("exitCode").isNull()).isTrue();
            assertThat(killed.get("confirms").toString()).contains("pid1-sigterm-dropped");
            assertThat(killed.get("pid1").get("comm").asString()).isEqualTo("sleep");
            assertThat(killed.get("lifetimeSeconds").asDouble()).isPositive();

            cli("docker", "stop", "-t", "10", run + "-trap");
            JsonNode exited = awaitEvent(a, trapper, "stopped");
            assertThat(exited.get("outcome").asString()).isEqualTo("exited");
            assertThat(exited.get("exitCode").asInt()).isZero();
            assertThat(exited.get("confirms")).isEmpty();

            JsonNode exit3 = awaitEvent(a, three, "stopped");
            assertThat(exit3.get("outcome").asString()).isEqualTo("exited");
            assertThat(exit3.get("exitCode").asInt()).isEqualTo(3);

            awaitContainer(a, restarted, c -> c.get("restarts").asInt() == 0, 10);
            cli("docker", "restart", "-t", "1", run + "-restart");
            JsonNode again = awaitEvent(a, restarted, "pid1-restarted");
            assertThat(again.get("exitSignal").asString()).as("sleep drops SIGTERM: killed after the 1 s").isEqualTo("SIGKILL");
            assertThat(awaitContainer(a, restarted, c -> c.get("restarts").asInt() == 1, 10).get("restarts").asInt()).isEqualTo(1);

            String metrics = get(a, "/actuator/prometheus");
            assertThat(metric(metrics, "nscope_container_stops_total{outcome=\"killed\"}")).isGreaterThanOrEqualTo(1);
            assertThat(metric(metrics, "nscope_container_stops_total{outcome=\"exited\"}")).isGreaterThanOrEqualTo(2);
            System.out.println("stops: killed " + killed + "\n  exited " + exited + "\n  exit 3 " + exit3 + "\n  restarted " + again);
        }
    }

    @Test
    void aPid1TheOomKillerEndsIsOomKilled() throws Exception {
        try (AgentProcess a = listening("500ms")) {
            // tail keeps the whole of a file without newlines: /dev/zero grows it until the 16 MiB limit's OOM kill
            String id = docker("oom", "--memory", "16m", "--memory-swap", "16m", DockerTests.IMAGE, "sh", "-c",
                    "sleep 2; exec tail /dev/zero");
            awaitContainer(a, id, c -> true, 10);
            JsonNode stop = awaitEvent(a, id, "stopped");
            System.out.println("the OOM-killed PID 1: " + stop);
            assertThat(stop.get("outcome").asString()).isEqualTo("oom-killed");
            assertThat(stop.get("exitSignal").asString()).isEqualTo("SIGKILL");
            // it exec'd tail after the last scan: named at its exit if /proc still had it then, never by its old name
            JsonNode comm = stop.get("pid1").get("comm");
            assertThat(comm.isNull() || comm.asString().equals("tail")).as(comm.toString()).isTrue();
            assertThat(stop.get("pid1").get("hostPid").asInt()).isPositive();
            assertThat(metric(get(a, "/actuator/prometheus"), "nscope_container_stops_total{outcome=\"oom-killed\"}"))
                    .isGreaterThanOrEqualTo(1);

            // a member the OOM killer ends, PID 1 going on: an oom-kill event at once, the container still served
            String member = docker("oom-member", "--memory", "16m", "--memory-swap", "16m", DockerTests.IMAGE, "sh", "-c",
                    "sleep 2; tail /dev/zero; sleep 600");
            awaitContainer(a, member, c -> true, 10);
            JsonNode kill = awaitEvent(a, member, "oom-kill");
            System.out.println("the OOM-killed member: " + kill);
            assertThat(kill.get("exitSignal").asString()).isEqualTo("SIGKILL");
            JsonNode killedComm = kill.get("pid1").get("comm");
            assertThat(killedComm.isNull() || killedComm.asString().equals("tail")).as(killedComm.toString()).isTrue();
            JsonNode alive = awaitContainer(a, member, c -> c.get("pid1") != null && !c.get("pid1").isNull(), 10);
            assertThat(kill.get("pid1").get("hostPid").asInt()).as("not PID 1").isNotEqualTo(alive.get("pid1").get("hostPid").asInt());
        }
    }
}
