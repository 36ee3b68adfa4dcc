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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}) on a loopback port, scraping one target every
 * second as job {@code nscope} and evaluating a rule file, with its TSDB in a temporary directory.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String JOB = "nscope";
    private static final JsonMapper JSON = new JsonMapper();

    private final Process process;
    private final Path dir;
    final int port;
    public final Instant started = Instant.now();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static PrometheusServer start(Path binary, String target, String metricsPath, Path rules) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nscope-prometheus-");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ["%s"]
                """.formatted(rules.toAbsolutePath(), JOB, metricsPath, target));
        int port = freePort();
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer s = new PrometheusServer(p, dir, port);
        for (int i = 0; i < 300; i++) {
            if (!p.isAlive()) {
                String log = s.log();
                s.close();
                throw new IOException("prometheus exited: " + log);
            }
            try {
                if (s.get("/-/ready").statusCode() == 200) {
                    return s;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        String log = s.log();
        s.close();
        throw new IOException("prometheus did not become ready: " + log);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode api(String pathAndQuery) {
        try {
            return JSON.readTree(get(pathAndQuery).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code /api/v1/query} now: the whole response ({@code status}, {@code data.result} or {@code error}). */
    public JsonNode query(String expr) {
        return api("/api/v1/query?query=" + enc(expr));
    }

    /** {@code /api/v1/query_range} over the last {@code seconds} (at most since the server started), as Grafana's graphs ask. */
    public JsonNode queryRange(String expr, long seconds, long stepSeconds) {
        long end = Instant.now().getEpochSecond();
        long start = Math.max(started.getEpochSecond(), end - seconds);
        return api("/api/v1/query_range?query=" + enc(expr) + "&start=" + start + "&end=" + end + "&step=" + stepSeconds);
    }

    /** Grafana's {@code label_values(selector, label)}: {@code /api/v1/label/<label>/values?match[]=selector}. */
    public List<String> labelValues(String label, String selector) {
        String q = "/api/v1/label/" + label + "/values" + (selector == null ? "" : "?match[]=" + enc(selector));
        JsonNode r = api(q);
        if (!"success".equals(r.path("status").asString())) {
            throw new IllegalArgumentException("label_values(" + selector + ", " + label + "): " + r);
        }
        List<String> out = new ArrayList<>();
        r.path("data").forEach(v -> out.add(v.asString()));
        return out;
    }

    public JsonNode alerts() {
        return api("/api/v1/alerts");
    }

    public JsonNode rules() {
        return api("/api/v1/rules");
    }

    public JsonNode targets() {
        return api("/api/v1/targets");
    }

    /** Debian's {@code prometheus} package: skipped locally without it, a failure under {@code CI=true}. */
    public static Path require() {
        Path binary = Path.of("/usr/bin/prometheus");
        Live.require(Files.isExecutable(binary), "Debian's prometheus package is needed (" + binary + ")");
        return binary;
    }

    /** Starts Prometheus scraping {@code http://127.0.0.1:<port><metricsPath>} as job {@value #JOB}, without rules. */
    public static PrometheusServer start(int targetPort, String metricsPath) throws IOException, InterruptedException {
        Path rules = Files.createTempFile("nscope-no-rules", ".yaml");
        Files.writeString(rules, "groups: []\n");
        rules.toFile().deleteOnExit();
        return start(require(), "127.0.0.1:" + targetPort, metricsPath, rules);
    }

    /** The {@code data.result} of an instant query; fails on a query error. */
    public JsonNode result(String expr) {
        JsonNode r = query(expr);
        if (!"success".equals(r.path("status").asString())) {
            throw new IllegalArgumentException(expr + ": " + r);
        }
        return r.path("data").path("result");
    }

    /** Polls until {@code expr} returns at least one series, or fails after {@code timeout}. */
    public JsonNode await(String expr, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        do {
            JsonNode r = result(expr);
            if (!r.isEmpty()) {
                return r;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
        throw new AssertionError("no result within " + timeout + " for " + expr + " (log: " + log() + ")");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
