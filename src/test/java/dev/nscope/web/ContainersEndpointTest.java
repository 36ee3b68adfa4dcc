package dev.nscope.web;

import dev.nscope.NscopeApplication;
import dev.nscope.cli.Cli;
import dev.nscope.cli.CommandLine;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The running agent over real HTTP, scanning the hybrid Docker capture. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ContainersEndpointTest {
    static final Path ROOT = Fixtures.unpack(Fixtures.V1_DOCKER);
    static final JsonMapper JSON = new JsonMapper();

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        r.add("nscope.procfs", () -> ROOT.resolve("proc").toString());
        r.add("nscope.sysfs", () -> ROOT.resolve("sys").toString());
        r.add("nscope.runtime.docker-root", () -> ROOT.resolve("var/lib/docker").toString());
        // PID-1 verdicts need two looks and zombies a grace: let the agent take several quickly
        r.add("nscope.scan-interval", () -> "100ms");
        r.add("nscope.pid1.zombie-grace", () -> "0s");
    }

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDocumentListsEveryContainer() throws Exception {
        HttpResponse<String> r = get("/actuator/containers");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.get("node").get("cgroupVersion").asString()).isEqualTo("hybrid");
        assertThat(doc.get("node").get("processes").asInt()).isEqualTo(26);
        assertThat(doc.get("containers")).hasSize(14);
        JsonNode hostnet = find(doc, "fx-hostnet");
        assertThat(hostnet.get("runtime").asString()).isEqualTo("docker");
        assertThat(hostnet.get("image").asString()).isEqualTo("nscope-test/busybox:1");
        assertThat(hostnet.get("kubernetes").isNull()).isTrue();
        assertThat(hostnet.get("namespaces").get("net").get("sharedWithHost").asBoolean()).isTrue();
        assertThat(hostnet.get("namespaces").get("pid").get("sharedWithHost").asBoolean()).isFalse();
        assertThat(hostnet.get("findings").findValuesAsString("rule")).contains("host-network-namespace");
        assertThat(hostnet.get("findings").get(0).get("severity").asString()).isIn("critical", "warning", "info");
        assertThat(find(doc, "fx-hostpid").get("pid1").isNull()).isTrue();
        // the list view carries no process list
        assertThat(hostnet.has("processList")).isFalse();
    }

    @Autowired
    SnapshotStore store;

    @Autowired
    JsonMapper agentMapper;

    /** The body is written by {@link ContainersJson}: byte for byte what the agent's own mapper writes. */
    @Test
    void theBodyIsWhatTheAgentsMapperWritesForTheSnapshot() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            ScanSnapshot before = store.latest();
            HttpResponse<String> r = get("/actuator/containers");
            if (before != null && store.latest() == before) { // no scan published while the request ran
                assertThat(r.body()).isEqualTo(agentMapper.writeValueAsString(ContainersDocument.of(before)));
                assertThat(get("/actuator/containers").headers().firstValue("content-type"))
                        .hasValue("application/vnd.spring-boot.actuator.v3+json");
                return;
            }
        }
        throw new AssertionError("a scan was published during every one of 50 requests");
    }

    @Test
    void oneContainerByIdPrefixOrNameWithItsProcesses() throws Exception {
        JsonNode doc = JSON.readTree(get("/actuator/containers").body());
        String id = find(doc, "fx-init").get("id").asString();
        for (String key : List.of(id, id.substring(0, 12), "fx-init")) {
            HttpResponse<String> r = get("/actuator/containers/" + key);
            assertThat(r.statusCode()).as(key).isEqualTo(200);
            JsonNode c = JSON.readTree(r.body());
            assertThat(c.get("id").asString()).isEqualTo(id);
            assertThat(c.get("processList")).hasSize(3);
            JsonNode first = c.get("processList").get(0);
            assertThat(first.get("nsPid").asInt()).isEqualTo(1);
            assertThat(first.get("comm").asString()).isEqualTo("docker-init");
            assertThat(first.has("ppid") && first.has("state") && first.has("threads") && first.has("pid")).isTrue();
            // command lines carry secrets: not shown unless nscope.web.command-lines is on
            assertThat(c.get("processList")).allSatisfy(p -> assertThat(p.has("cmdline")).as(p.toString()).isFalse());
        }
    }

    @Test
    void unknownOrTooShortIdsAre404() throws Exception {
        JsonNode doc = JSON.readTree(get("/actuator/containers").body());
        String id = find(doc, "fx-init").get("id").asString();
        assertThat(get("/actuator/containers/" + "0".repeat(64)).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/containers/no-such-name").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/containers/" + id.substring(0, 8)).statusCode()).isEqualTo(404);
    }

    @Test
    void historyOfAContainerGrowsWithEachScan() throws Exception {
        JsonNode doc = JSON.readTree(get("/actuator/containers").body());
        JsonNode limited = find(doc, "fx-init");
        String id = limited.get("id").asString();
        JsonNode first = JSON.readTree(get("/actuator/containers/" + id.substring(0, 12) + "/history").body());
        Thread.sleep(600);
        HttpResponse<String> r = get("/actuator/containers/fx-init/history");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("id").asString()).isEqualTo(id);
        assertThat(h.get("name").asString()).isEqualTo("fx-init");
        assertThat(h.get("intervalSeconds").asDouble()).isEqualTo(0.1);
        assertThat(h.get("capacity").asInt()).isEqualTo(120);
        // a newer point than the first request saw (the ring may be full already on a slow machine: 120 at 100 ms)
        assertThat(h.get("points").size()).isGreaterThanOrEqualTo(first.get("points").size()).isLessThanOrEqualTo(120);
        JsonNode p = h.get("points").get(h.get("points").size() - 1);
        JsonNode firstLast = first.get("points").get(first.get("points").size() - 1);
        assertThat(java.time.Instant.parse(p.get("timestamp").asString()))
                .isAfter(java.time.Instant.parse(firstLast.get("timestamp").asString()));
        assertThat(List.copyOf(p.propertyNames())).containsExactly("timestamp", "cpuUsageSeconds", "memoryUsageBytes",
                "memoryWorkingSetBytes", "memoryLimitBytes", "ioReadBytes", "ioWriteBytes", "pidsCurrent", "pidsLimit");
        // the same figures as the document's, null where the document has null
        JsonNode stats = limited.get("stats");
        assertThat(p.get("cpuUsageSeconds").asDouble()).isEqualTo(stats.get("cpu").get("usageSeconds").asDouble());
        assertThat(p.get("memoryWorkingSetBytes").asLong()).isEqualTo(stats.get("memory").get("workingSetBytes").asLong());
        assertThat(p.get("memoryLimitBytes")).isEqualTo(stats.get("memory").get("limitBytes"));
        assertThat(p.get("pidsLimit")).isEqualTo(stats.get("pids").get("limit"));
        assertThat(p.get("ioReadBytes")).isEqualTo(stats.get("io").get("readBytes"));
        assertThat(java.time.Instant.parse(p.get("timestamp").asString())).isAfter(java.time.Instant.parse(
                h.get("points").get(0).get("timestamp").asString()));
    }

    @Test
    void historyOfAnUnknownContainerOrAnotherViewIs404() throws Exception {
        assertThat(get("/actuator/containers/no-such-name/history").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/containers/fx-init/other").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/containers/fx-init/history/more").statusCode()).isEqualTo(404);
    }

    @Test
    void theWebPageIsServedAtTheRootWithItsLibraries() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
        assertThat(page.body()).contains("nscope").doesNotContain("http://", "https://");
        for (String asset : List.of("/app.js", "/app.css", "/webjars/echarts/dist/echarts.min.js")) {
            HttpResponse<String> r = get(asset);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
        }
        // relative URLs only, so the page works under a path prefix and behind the agent's own auth
        assertThat(get("/app.js").body()).doesNotContain("fetch('/", "fetch(\"/", "http://", "https://");
    }

    @Test
    void onlyHealthPrometheusAndContainersAreExposed() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.get("status").asString()).isEqualTo("UP");
        assertThat(h.get("components").get("scanner").get("status").asString()).isEqualTo("UP");
        // the Kubernetes probes: liveness is the JVM's state, readiness includes the scanner
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).get("components").get("scanner").get("status").asString()).isEqualTo("UP");
        for (String hidden : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
                "/actuator/threaddump", "/actuator/loggers", "/actuator/mappings")) {
            assertThat(get(hidden).statusCode()).as(hidden).isEqualTo(404);
        }
    }

    @Test
    void theRuleCatalogIsServedWithTitlesAndFixesAndFindingsCarryTheirFix() throws Exception {
        HttpResponse<String> r = get("/actuator/rules");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode rules = JSON.readTree(r.body()).get("rules");
        assertThat(rules.findValuesAsString("id")).containsExactlyElementsOf(dev.nscope.rules.RuleCatalog.ALL);
        for (JsonNode rule : rules) {
            assertThat(rule.get("severity").asString()).as(rule.toString()).isIn("critical", "warning", "info");
            assertThat(rule.get("title").asString()).as(rule.toString()).isNotBlank();
            assertThat(rule.get("fix").asString()).as(rule.toString()).isNotBlank();
        }
        JsonNode hostnet = find(JSON.readTree(get("/actuator/containers").body()), "fx-hostnet");
        for (JsonNode f : hostnet.get("findings")) {
            assertThat(f.get("fix").asString()).as(f.toString()).isNotBlank();
            assertThat(f.get("evidence").has("fix")).as("the fix is the finding's, not evidence").isFalse();
        }
    }

    @Test
    void scanFormatJsonPrintsTheSameDocument() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = CommandLine.parse(new String[] {"scan", "--format=json", "--nscope.procfs=" + ROOT.resolve("proc"),
                "--nscope.sysfs=" + ROOT.resolve("sys"), "--nscope.runtime.docker-root=" + ROOT.resolve("var/lib/docker"),
                "--nscope.pid1.zombie-grace=0s"});
        int exit = Cli.run(NscopeApplication.class, cl, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).isZero();
        JsonNode cli = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        Thread.sleep(500);
        JsonNode http = JSON.readTree(get("/actuator/containers").body());
        // the agent's own warning that it cannot listen to process events on a fixture tree: scan does not listen
        tools.jackson.databind.node.ArrayNode warnings = (tools.jackson.databind.node.ArrayNode) http.get("node").get("warnings");
        for (int i = warnings.size() - 1; i >= 0; i--) {
            if (warnings.get(i).asString().startsWith("process events unavailable: ")) {
                warnings.remove(i);
            }
        }
        for (JsonNode d : List.of(cli, http)) {
            ((ObjectNode) d.get("node")).remove(List.of("scannedAt", "scanMillis"));
            // how long a zombie has been seen, and since how many looks, depends on when each started
            for (JsonNode c : d.get("containers")) {
                for (JsonNode f : c.get("findings")) {
                    ((ObjectNode) f).remove(List.of("evidence", "message"));
                }
            }
        }
        assertThat(cli).isEqualTo(http);
        assertThat(find(cli, "fx-plain").get("pid1").get("catchesSigterm").asBoolean(true)).isFalse();
    }

    static JsonNode find(JsonNode doc, String name) {
        for (JsonNode c : doc.get("containers")) {
            if (name.equals(c.get("name").asString(null))) {
                return c;
            }
        }
        throw new AssertionError("no " + name);
    }
}
