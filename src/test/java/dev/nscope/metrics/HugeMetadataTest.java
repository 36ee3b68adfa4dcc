package dev.nscope.metrics;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container whose runtime metadata holds a 1 MB name, a 4 KiB image and a 100 KB pod name: every
 * per-container series would carry them. Under a heap the size of the chart's, the agent serves its scrape
 * and its document with every such value cut to 256 bytes and a marker, and counts the cuts.
 */
class HugeMetadataTest {
    static final JsonMapper JSON = new JsonMapper();
    static final Pattern LABEL = Pattern.compile("=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void hugeNamesAreCutBeforeTheyBecomeLabelsOrJson(@TempDir Path tmp) throws Exception {
        Path tree = tmp.resolve("t");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V1_DOCKER).toString(), tree.toString()).start().waitFor())
                .isZero();
        Path containers = tree.resolve("var/lib/docker/containers");
        Path config;
        try (var dirs = Files.list(containers)) {
            config = dirs.sorted().findFirst().orElseThrow().resolve("config.v2.json");
        }
        ObjectNode doc = (ObjectNode) JSON.readTree(Files.readString(config));
        doc.put("Name", "/" + "n".repeat(1_000_000)); // just under the parser's 1 MiB string bound
        ObjectNode cfg = (ObjectNode) doc.get("Config");
        cfg.put("Image", "registry.example/" + "i".repeat(4096));
        ((ObjectNode) cfg.get("Labels")).put("io.kubernetes.pod.name", "p".repeat(100_000));
        Files.writeString(config, JSON.writeValueAsString(doc));

        try (AgentProcess agent = AgentProcess.start(List.of(), List.of("-Xmx90m", "-XX:+ExitOnOutOfMemoryError"),
                "--nscope.procfs=" + tree.resolve("proc"), "--nscope.sysfs=" + tree.resolve("sys"),
                "--nscope.runtime.docker-root=" + tree.resolve("var/lib/docker"), "--nscope.scan-interval=1s")) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + agent.port;
            agent.awaitUp(client, base + "/actuator/health/readiness", Duration.ofSeconds(90));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(scrape.statusCode()).as(agent.output()).isEqualTo(200);
                int longest = 0;
                Matcher m = LABEL.matcher(scrape.body());
                while (m.find()) {
                    longest = Math.max(longest, m.group(1).getBytes(StandardCharsets.UTF_8).length);
                }
                assertThat(longest).as("the longest label value, in bytes").isLessThanOrEqualTo(256);
                assertThat(scrape.body()).contains("n".repeat(200) + "…").contains("nscope_scan_errors_total{kind=\"truncated\"}");
                Thread.sleep(1000);
            }
            JsonNode d = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/containers")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode c = null;
            for (JsonNode x : d.get("containers")) {
                if (x.get("name").asString("").startsWith("nnnn")) {
                    c = x;
                }
            }
            assertThat(c).as("the container with the huge name").isNotNull();
            assertThat(c.get("name").asString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256);
            assertThat(c.get("name").asString()).endsWith("…");
            assertThat(c.get("image").asString()).startsWith("registry.example/iii").endsWith("…");
            assertThat(c.get("kubernetes").get("podName").asString().length()).isLessThanOrEqualTo(256);
            assertThat(d.get("node").get("scanErrors").get("truncated").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(agent.process.isAlive()).as(agent.output()).isTrue();
        }
    }
}
