package dev.nscope.agent;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent with its process events, in a process of its own on this host (root): it listens, serves the ring and
 * the metrics, the CLI reads the ring, a container named "events" stays reachable by its id, a SIGTERM is still
 * honoured at once; where it cannot listen it says so once and serves the rest; and what an exec storm costs it.
 */
class ProcessEventsAgentTest {
    static final JsonMapper JSON = new JsonMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void root() {
        Live.requireRoot();
    }

    static String get(AgentProcess a, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    static AgentProcess up(List<String> prefix, String... args) throws Exception {
        AgentProcess a = AgentProcess.start(prefix, args);
        a.awaitUp(HTTP, "http://127.0.0.1:" + a.port + "/actuator/containers", Duration.ofSeconds(90));
        return a;
    }

    /** The value of a series without labels, or with the labels written as given; NaN when absent. */
    static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static JsonNode awaitDocument(AgentProcess a, Predicate<JsonNode> p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode doc = null;
        while (System.nanoTime() < deadline) {
            doc = JSON.readTree(get(a, "/actuator/containers"));
            if (p.test(doc)) {
                return doc;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such document; the last: " + doc + "\n" + a.output());
    }

    static List<String> eventWarnings(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("node").get("warnings").forEach(w -> {
            if (w.asString().startsWith("process events unavailable")) {
                out.add(w.asString());
            }
        });
        return out;
    }

    static double awaitMetric(AgentProcess a, String series, Predicate<Double> p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double v = Double.NaN;
        while (System.nanoTime() < deadline) {
            v = metric(get(a, "/actuator/prometheus"), series);
            if (p.test(v)) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(series + " stayed " + v);
    }

    @Test
    void theAgentListensServesTheRingAndTheCliReadsItAndAContainerNamedEventsKeepsItsId() throws Exception {
        DockerTests.requireDocker();
        try (GenericContainer<?> named = DockerTests.container("events", "sleep", "600");
             AgentProcess a = up(List.of(), "--nscope.scan-interval=500ms")) {
            named.start();
            awaitMetric(a, "nscope_event_source_up", v -> v == 1.0);
            JsonNode doc = awaitDocument(a, d -> {
                for (JsonNode c : d.get("containers")) {
                    if ("events".equals(c.get("name").asString(null))) {
                        return true;
                    }
                }
                return false;
            });
            assertThat(eventWarnings(doc)).isEmpty();
            assertThat(a.stdout()).contains("listening to the kernel's process events");
            String id = named.getContainerId();

            // the ring is at /actuator/containers/events; the container named "events" by its id (or a prefix)
            assertThat(JSON.readTree(get(a, "/actuator/containers/events")).get("events").isArray()).isTrue();
            assertThat(JSON.readTree(get(a, "/actuator/containers/events?since=0")).propertyNames()).containsExactly("events");
            for (String key : List.of(id, id.substring(0, 12))) {
                JsonNode c = JSON.readTree(get(a, "/actuator/containers/" + key));
                assertThat(c.get("id").asString()).isEqualTo(id);
                assertThat(c.get("name").asString()).isEqualTo("events");
            }

            String metrics = get(a, "/actuator/prometheus");
            assertThat(metric(metrics, "nscope_process_events_total")).as("the container's start was seen").isPositive();
            assertThat(metric(metrics, "nscope_events_dropped_total")).isZero();
            for (String outcome : List.of("exited", "killed", "oom-killed", "signaled")) {
                assertThat(metric(metrics, "nscope_container_stops_total{outcome=\"" + outcome + "\"}")).as(outcome).isZero();
            }

            // the command line, against this agent
            String url = "--url=http://127.0.0.1:" + a.port;
            Live.Result table = Live.run(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "events", url), 60);
            assertThat(table.exit()).as(table.stderr()).isZero();
            assertThat(table.stdout().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith("SEQ").contains("OUTCOME"));
            Live.Result json = Live.run(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "events", url, "--json", "--since=0"), 60);
            assertThat(json.exit()).as(json.stderr()).isZero();
            assertThat(JSON.readTree(json.stdout()).get("events").isArray()).isTrue();
            Live.Result bad = Live.run(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "events", url, "--format=json"), 60);
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.stderr().lines()).singleElement().asString().startsWith("nscope: unknown option '--format=json' for events; usage:");

            // a stop is still at once with the listener running (its thread is a daemon; the socket closes on stop)
            long t0 = System.nanoTime();
            a.process.destroy();
            assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("SIGTERM to exit").isLessThan(2000);
            System.out.printf("events agent: stopped %d ms after SIGTERM%n", ms);
        }
    }

    @Test
    void outsideTheHostsPidNamespaceItWarnsOnceAndServesTheRest() throws Exception {
        try (AgentProcess a = up(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc"), "--nscope.scan-interval=200ms")) {
            // the first snapshot comes before the source is started: the warning from the second on
            JsonNode doc = awaitDocument(a, d -> !eventWarnings(d).isEmpty());
            assertThat(eventWarnings(doc)).singleElement().asString().isEqualTo("process events unavailable: not in the host's initial "
                    + "pid namespace (no kernel thread at pid 2; the DaemonSet needs hostPID); polling only (new containers are seen "
                    + "at the next scan, how containers stop is not known)");
            Thread.sleep(1000); // several more scans
            assertThat(eventWarnings(JSON.readTree(get(a, "/actuator/containers")))).hasSize(1);
            String metrics = get(a, "/actuator/prometheus");
            assertThat(metric(metrics, "nscope_event_source_up")).isZero();
            assertThat(metric(metrics, "nscope_warnings")).isGreaterThanOrEqualTo(1);
            assertThat(get(a, "/actuator/health")).contains("\"UP\"");
            assertThat(JSON.readTree(get(a, "/actuator/containers/events")).get("events")).isEmpty();
            // logged once, however many scans
            String log = a.stdout() + a.stderr();
            assertThat(log.split("process events unavailable", -1)).as(log).hasSize(2);
        }
    }

    /** Linux 6.6 opened the connector to any process of the initial namespaces; before, CAP_NET_ADMIN was needed. */
    @Test
    void withoutNetAdminItListensFromLinux66AndWarnsBefore() throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed");
        try (AgentProcess a = up(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin"), "--nscope.scan-interval=200ms")) {
            String status = Files.readString(Path.of("/proc/" + a.process.pid() + "/status"));
            long capEff = Long.parseLong(status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim(), 16);
            assertThat(capEff & (1L << 12)).as("no CAP_NET_ADMIN").isZero();
            String[] v = System.getProperty("os.version").split("[.-]");
            boolean opened = Integer.parseInt(v[0]) > 6 || Integer.parseInt(v[0]) == 6 && Integer.parseInt(v[1]) >= 6;
            if (opened) {
                awaitMetric(a, "nscope_event_source_up", x -> x == 1.0);
                Thread.sleep(600);
                assertThat(eventWarnings(JSON.readTree(get(a, "/actuator/containers")))).isEmpty();
            } else {
                JsonNode doc = awaitDocument(a, d -> !eventWarnings(d).isEmpty());
                assertThat(eventWarnings(doc)).singleElement().asString().contains("no CAP_NET_ADMIN");
            }
            System.out.println("agent without CAP_NET_ADMIN on Linux " + System.getProperty("os.version") + ": "
                    + (opened ? "listening" : "warned"));
        }
    }

    @Test
    void turnedOffItNeitherListensNorWarns() throws Exception {
        try (AgentProcess a = up(List.of(), "--nscope.scan-interval=200ms", "--nscope.events.enabled=false")) {
            Thread.sleep(800);
            assertThat(eventWarnings(JSON.readTree(get(a, "/actuator/containers")))).isEmpty();
            assertThat(metric(get(a, "/actuator/prometheus"), "nscope_event_source_up")).isZero();
        }
    }
}
