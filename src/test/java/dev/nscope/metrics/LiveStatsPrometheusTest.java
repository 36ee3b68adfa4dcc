package dev.nscope.metrics;

import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import dev.nscope.testing.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live resource figures of real Docker containers: limits, quota, rising usage and throttling, an OOM
 * kill; in JSON, in {@code /actuator/prometheus}, checked by {@code promtool} and scraped by a real
 * Prometheus, whose series of a removed container go away.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveStatsPrometheusTest {
    static final JsonMapper JSON = new JsonMapper();
    static GenericContainer<?> limits;
    static GenericContainer<?> oom;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("nscope.scan-interval", () -> "500ms");
    }

    @BeforeAll
    static void start() {
        DockerTests.requireDocker();
        PrometheusServer.require();
        limits = DockerTests.container("st-limits", h -> h.withMemory(64L << 20).withNanoCPUs(500_000_000L).withPidsLimit(50L),
                "sh", "-c", "yes > /dev/null");
        oom = DockerTests.container("st-oom", h -> h.withMemory(64L << 20).withMemorySwap(64L << 20),
                "sh", "-c", "dd if=/dev/zero of=/dev/null bs=96M count=1; sleep 600");
        limits.start();
        oom.start();
    }

    @AfterAll
    static void stop() {
        for (GenericContainer<?> c : Arrays.asList(limits, oom)) {
            if (c != null && c.isRunning()) {
                c.stop();
            }
        }
    }

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode stats(String name) throws Exception {
        return JSON.readTree(get("/actuator/containers/" + name).body()).get("stats");
    }

    @Test
    @Order(1)
    void limitsQuotaRisingUsageThrottlingAndOomInJsonAndMetrics() throws Exception {
        Thread.sleep(2500);
        JsonNode a = stats("st-limits");
        Thread.sleep(2000);
        JsonNode b = stats("st-limits");
        assertThat(b.get("memory").get("limitBytes").asLong()).isEqualTo(64L << 20);
        assertThat(b.get("cpu").get("quotaCores").asDouble()).isEqualTo(0.5);
        assertThat(b.get("pids").get("limit").asLong()).isEqualTo(50);
        assertThat(b.get("cpu").get("usageSeconds").asDouble()).isGreaterThan(a.get("cpu").get("usageSeconds").asDouble() + 0.3);
        assertThat(b.get("cpu").get("throttledPeriods").asLong()).isGreaterThan(a.get("cpu").get("throttledPeriods").asLong());
        assertThat(b.get("memory").get("usageBytes").asLong()).isPositive();

        JsonNode oomStats = stats("st-oom");
        assertThat(oomStats.get("memory").get("oomKills").asLong()).isGreaterThanOrEqualTo(1);

        String text = get("/actuator/prometheus").body();
        assertThat(line(text, "nscope_container_spec_memory_limit_bytes", "st-limits")).endsWith(" 6.7108864E7");
        assertThat(line(text, "nscope_container_spec_cpu_quota_cores", "st-limits")).endsWith(" 0.5");
        assertThat(line(text, "nscope_container_threads_max", "st-limits")).endsWith(" 50.0");
        assertThat(value(line(text, "nscope_container_oom_events_total", "st-oom"))).isGreaterThanOrEqualTo(1);
        assertThat(value(line(text, "nscope_container_cpu_cfs_throttled_periods_total", "st-limits"))).isPositive();
    }

    @Test
    @Order(2)
    void promtoolAcceptsTheExpositionAndAScrapeIsFast() throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool (Debian's prometheus package) is needed");
        Thread.sleep(1200);
        String text = get("/actuator/prometheus").body();
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> ours = out.lines().filter(l -> l.startsWith("nscope_")).toList();
        assertThat(ours).as("promtool's complaints about nscope families").isEmpty();

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = get("/actuator/prometheus");
            best = Math.min(best, System.nanoTime() - t);
            assertThat(r.statusCode()).isEqualTo(200);
        }
        System.out.printf("scrape: %d bytes, %d nscope series, best of 20: %.1f ms%n", text.length(),
                text.lines().filter(l -> l.startsWith("nscope_")).count(), best / 1e6);
        assertThat(best).isLessThan(Duration.ofMillis(500).toNanos());
    }

    @Test
    @Order(3) // stops a container: last
    void aRealPrometheusScrapesItAndSeriesOfARemovedContainerGoAway() throws Exception {
        try (PrometheusServer prom = PrometheusServer.start(port, "/actuator/prometheus")) {
            prom.await("up{job=\"nscope\"} == 1", Duration.ofSeconds(20));
            prom.await("nscope_container_spec_memory_limit_bytes{name=\"st-limits\"} == 67108864", Duration.ofSeconds(20));
            JsonNode rate = prom.await("rate(nscope_container_cpu_usage_seconds_total{name=\"st-limits\"}[5s]) > 0.2",
                    Duration.ofSeconds(30));
            assertThat(rate.get(0).get("metric").get("runtime").asString()).isEqualTo("docker");
            JsonNode info = prom.await("nscope_container_info{name=\"st-limits\"}", Duration.ofSeconds(10));
            assertThat(info.get(0).get("metric").get("image").asString()).isEqualTo(DockerTests.IMAGE);

            limits.stop();
            // gone from the next scan, then from the next scrape: Prometheus marks the series stale
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean gone = false;
            while (!gone && System.nanoTime() < end) {
                Thread.sleep(500);
                gone = prom.result("nscope_container_processes{name=\"st-limits\"}").isEmpty();
            }
            assertThat(gone).as("series of the stopped container go stale").isTrue();
            assertThat(prom.result("nscope_container_processes{name=\"st-oom\"}")).isNotEmpty();
        }
    }

    static String line(String text, String family, String name) {
        return text.lines().filter(l -> l.startsWith(family + "{") && l.contains("name=\"" + name + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + family + " for " + name));
    }

    static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
