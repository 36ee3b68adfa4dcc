package dev.nscope.metrics;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/prometheus} of the agent scanning the v2 cases capture, against a golden file
 * (the per-container families; the agent's own timings vary). Regenerate with
 * {@code -Dnscope.golden.update=true} after an intended change, and review the diff.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/prometheus-v2-cases.txt");
    static final Pattern SERIES = Pattern.compile("^(nscope_[a-z_]+)\\{([^}]*)}");

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        Path tree = Fixtures.unpack(Fixtures.V2_CASES).resolve("host");
        r.add("nscope.procfs", () -> tree.resolve("proc").toString());
        r.add("nscope.sysfs", () -> tree.resolve("sys").toString());
        r.add("nscope.scan-interval", () -> "100ms");
        r.add("nscope.pid1.zombie-grace", () -> "0s");
    }

    @LocalServerPort
    int port;

    String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return r.body();
    }

    static String containerFamilies(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.lines().toList()) {
            if (line.startsWith("nscope_container") || line.startsWith("# HELP nscope_container")
                    || line.startsWith("# TYPE nscope_container")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void perContainerFamiliesMatchTheGoldenFile() throws Exception {
        Thread.sleep(600); // several looks: PID-1 verdicts are confirmed
        String actual = containerFamilies(scrape());
        if (Boolean.getBoolean("nscope.golden.update")) {
            Files.writeString(GOLDEN, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(GOLDEN));
    }

    @Test
    void oneSeriesPerContainerPerFamily() throws Exception {
        Thread.sleep(300);
        String text = scrape();
        Map<String, Integer> seen = new HashMap<>();
        List<String> extraLabels = List.of("device=", "state=", "rule=", "interface=", "event=", "ulimit=");
        for (String line : text.lines().toList()) {
            Matcher m = SERIES.matcher(line);
            if (!m.find() || !m.group(1).startsWith("nscope_container")) {
                continue;
            }
            if (extraLabels.stream().anyMatch(m.group(2)::contains)) {
                continue;
            }
            String id = m.group(2).replaceAll(".*\\bid=\"([^\"]*)\".*", "$1");
            seen.merge(m.group(1) + " " + id, 1, Integer::sum);
        }
        assertThat(seen).isNotEmpty();
        assertThat(seen).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        // the agent's own health is there too
        assertThat(text).contains("nscope_scan_duration_seconds ", "nscope_scans_total{result=\"ok\"}",
                "nscope_scan_errors_total{kind=\"vanished\"}", "nscope_namespaces{type=\"pid\"}", "nscope_containers{runtime=\"docker\"} 5.0");
    }
}
