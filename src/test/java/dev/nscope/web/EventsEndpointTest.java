package dev.nscope.web;

import dev.nscope.events.ContainerEvent;
import dev.nscope.events.EventRing;
import dev.nscope.events.ProcessEventSource;
import dev.nscope.scan.KubernetesRef;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/containers/events} and the event metrics over real HTTP, the agent scanning a fixture tree: there
 * the process events cannot be listened to, which node.warnings says, and everything else is served as before.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EventsEndpointTest {
    static final Path ROOT = Fixtures.unpack(Fixtures.V1_DOCKER);
    static final JsonMapper JSON = new JsonMapper();

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        r.add("nscope.procfs", () -> ROOT.resolve("proc").toString());
        r.add("nscope.sysfs", () -> ROOT.resolve("sys").toString());
        r.add("nscope.runtime.docker-root", () -> ROOT.resolve("var/lib/docker").toString());
        r.add("nscope.scan-interval", () -> "100ms");
        r.add("nscope.events.capacity", () -> "3");
    }

    @LocalServerPort
    int port;

    @Autowired
    EventRing ring;

    @Autowired
    ProcessEventSource source;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode events(String query) throws Exception {
        HttpResponse<String> r = get("/actuator/containers/events" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.propertyNames()).containsExactly("events");
        return doc.get("events");
    }

    @Test
    void theRingIsServedWithAndWithoutSince() throws Exception {
        long before = ring.lastSeq();
        ring.add(new ContainerEvent(0, Instant.parse("2025-06-01T10:00:00.123Z"), ContainerEvent.STARTED, "a".repeat(64), "web",
                "containerd", new KubernetesRef("uid-1", "web-0", "shop", "web"), new ContainerEvent.Pid1(4242, "nginx"),
                null, null, null, null, null));
        ring.add(new ContainerEvent(0, Instant.parse("2025-06-01T10:05:00Z"), ContainerEvent.STOPPED, "a".repeat(64), "web",
                "containerd", new KubernetesRef("uid-1", "web-0", "shop", "web"), new ContainerEvent.Pid1(4242, "nginx"),
                null, "SIGKILL", ContainerEvent.KILLED, List.of("pid1-sigterm-dropped"), 300.5));

        JsonNode all = events("");
        assertThat(all.size()).isLessThanOrEqualTo(3);
        JsonNode stop = all.get(all.size() - 1);
        assertThat(stop.propertyNames()).containsExactly("seq", "time", "type", "id", "name", "runtime", "kubernetes", "pid1",
                "exitCode", "exitSignal", "outcome", "confirms", "lifetimeSeconds");
        assertThat(stop.get("seq").asLong()).isEqualTo(before + 2);
        assertThat(stop.get("time").asString()).isEqualTo("2025-06-01T10:05:00Z");
        assertThat(stop.get("type").asString()).isEqualTo("stopped");
        assertThat(stop.get("kubernetes").get("podName").asString()).isEqualTo("web-0");
        assertThat(stop.get("kubernetes").get("namespace").asString()).isEqualTo("shop");
        assertThat(stop.get("pid1").get("hostPid").asInt()).isEqualTo(4242);
        assertThat(stop.get("pid1").get("comm").asString()).isEqualTo("nginx");
        assertThat(stop.get("exitCode").isNull()).isTrue();
        assertThat(stop.get("exitSignal").asString()).isEqualTo("SIGKILL");
        assertThat(stop.get("outcome").asString()).isEqualTo("killed");
        assertThat(stop.get("confirms").get(0).asString()).isEqualTo("pid1-sigterm-dropped");
        assertThat(stop.get("lifetimeSeconds").asDouble()).isEqualTo(300.5);
        JsonNode start = all.get(all.size() - 2);
        assertThat(start.get("type").asString()).isEqualTo("started");
        assertThat(start.get("time").asString()).isEqualTo("2025-06-01T10:00:00.123Z");
        assertThat(start.get("outcome").isNull()).isTrue();
        assertThat(start.get("confirms")).isEmpty();

        assertThat(events("?since=" + (before + 1))).singleElement().satisfies(e -> assertThat(e.get("type").asString()).isEqualTo("stopped"));
        assertThat(events("?since=" + (before + 2))).isEmpty();
        assertThat(events("?since=999999")).isEmpty();
        assertThat(get("/actuator/containers/events?since=abc").statusCode()).isEqualTo(400);

        // the capacity (3 here): the oldest go first
        for (int i = 0; i < 4; i++) {
            ring.add(new ContainerEvent(0, Instant.now(), ContainerEvent.STARTED, "b" + i, null, "sandbox", null, null, null, null,
                    null, null, null));
        }
        assertThat(events("")).extracting(e -> e.get("id").asString()).containsExactly("b1", "b2", "b3");
    }

    @Test
    void theContainersAndTheirDetailStayWhereTheyWere() throws Exception {
        JsonNode doc = JSON.readTree(get("/actuator/containers").body());
        JsonNode hostnet = null;
        for (JsonNode c : doc.get("containers")) {
            if ("fx-hostnet".equals(c.get("name").asString(null))) {
                hostnet = c;
            }
        }
        assertThat(hostnet).isNotNull();
        String id = hostnet.get("id").asString();
        for (String key : List.of(id, id.substring(0, 12), "fx-hostnet")) {
            HttpResponse<String> r = get("/actuator/containers/" + key);
            assertThat(r.statusCode()).as(key).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("id").asString()).isEqualTo(id);
        }
        assertThat(get("/actuator/containers/" + id + "?since=3").statusCode()).as("since means nothing to a container").isEqualTo(200);
        assertThat(get("/actuator/containers/no-such-container").statusCode()).isEqualTo(404);
    }

    @Test
    void aFixtureTreeHasNoProcessEventsAndTheAgentSaysSoOnce() throws Exception {
        assertThat(source.state()).isEqualTo(ProcessEventSource.State.UNAVAILABLE);
        JsonNode warnings = JSON.readTree(get("/actuator/containers").body()).get("node").get("warnings");
        List<String> ours = new java.util.ArrayList<>();
        warnings.forEach(w -> {
            if (w.asString().startsWith("process events unavailable")) {
                ours.add(w.asString());
            }
        });
        assertThat(ours).singleElement().asString()
                .contains("is not a live procfs (no self link: a fixture tree)")
                .endsWith("polling only (new containers are seen at the next scan, how containers stop is not known)");
    }

    @Test
    void theMetricsOfEvents() throws Exception {
        ring.add(new ContainerEvent(0, Instant.now(), ContainerEvent.STOPPED, "c", null, "docker", null, null, 137, "SIGKILL",
                ContainerEvent.OOM_KILLED, null, 1.0));
        String text = get("/actuator/prometheus").body();
        assertThat(text).contains("# TYPE nscope_container_stops_total counter")
                .containsPattern("(?m)^nscope_container_stops_total\\{outcome=\"oom-killed\"} [1-9]")
                .containsPattern("(?m)^nscope_container_stops_total\\{outcome=\"exited\"} ")
                .containsPattern("(?m)^nscope_container_stops_total\\{outcome=\"signaled\"} 0")
                .contains("\nnscope_event_source_up 0")
                .contains("\nnscope_events_dropped_total 0")
                .contains("\nnscope_process_events_total 0");
    }
}
