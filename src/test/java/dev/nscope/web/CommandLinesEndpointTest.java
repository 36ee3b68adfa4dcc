package dev.nscope.web;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nscope.web.command-lines=true} over real HTTP: the process list of a container carries each {@code cmdline}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "nscope.web.command-lines=true")
class CommandLinesEndpointTest {
    static final Path ROOT = Fixtures.unpack(Fixtures.V1_DOCKER);
    static final JsonMapper JSON = new JsonMapper();

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        r.add("nscope.procfs", () -> ROOT.resolve("proc").toString());
        r.add("nscope.sysfs", () -> ROOT.resolve("sys").toString());
        r.add("nscope.runtime.docker-root", () -> ROOT.resolve("var/lib/docker").toString());
    }

    @LocalServerPort
    int port;

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    @Test
    void theProcessListCarriesCommandLines() throws Exception {
        JsonNode c = get("/actuator/containers/fx-init");
        JsonNode list = c.get("processList");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("comm").asString()).isEqualTo("docker-init");
        assertThat(strings(list.get(0).get("cmdline"))).containsExactly("/sbin/docker-init", "--", "sh", "-c", "sleep 100000 & wait");
        assertThat(strings(list.get(1).get("cmdline"))).containsExactly("sh", "-c", "sleep 100000 & wait");
        assertThat(strings(list.get(2).get("cmdline"))).containsExactly("sleep", "100000");
        // the list view stays as it was: no process list, no command lines
        JsonNode doc = get("/actuator/containers");
        assertThat(doc.toString()).doesNotContain("cmdline").doesNotContain("100000 & wait");
    }
}
