package dev.nscope.testing;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on loopback, scraping one target every
 * second, for end-to-end tests. Skipped locally without the binary, a failure under {@code CI=true}.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String BINARY = "/usr/bin/prometheus";
    private static final JsonMapper JSON = new JsonMapper();

    private final Process process;
    private final Path dir;
    public final int port;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static void require() {
        Live.require(Files.isExecutable(Path.of(BINARY)), "Debian's prometheus package is needed (" + BINARY + ")");
    }

    /** Starts Prometheus scraping {@code http://127.0.0.1:<targetPort><metricsPath>} as job {@code job}. */
    public static PrometheusServer start(String job, int targetPort, String metricsPath) throws IOException, InterruptedException {
        require();
        Path dir = Files.createTempDirectory("nscope-prometheus");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(job, metricsPath, targetPort));
        int port = freePort();
        Process p = new ProcessBuilder(BINARY, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer s = new PrometheusServer(p, dir, port);
        for (int i = 0; i < 100; i++) {
            try {
                if (s.get("/-/ready").statusCode() == 200) {
                    return s;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        s.close();
        throw new IOException("prometheus did not become ready: " + Files.readString(dir.resolve("prometheus.log")));
    }

    /** An instant query; the {@code data.result} array. */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.get("status").asString())) {
            throw new IOException("query failed: " + promql + " -> " + r.body());
        }
        return body.get("data").get("result");
    }

    /** Polls until {@code promql} returns at least one series, or fails after {@code timeout}. */
    public JsonNode await(String promql, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode r;
        do {
            r = query(promql);
            if (!r.isEmpty()) {
                return r;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
        throw new AssertionError("no result within " + timeout + " for " + promql);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
