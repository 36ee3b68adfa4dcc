package dev.nscope.web;

import dev.nscope.settings.BuildInfo;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the agent serves beyond the documents, with auth off (open to anyone): the build's facts at
 * {@code /actuator/info} and {@code nscope_build_info}, no links index at {@code /actuator}, and paths spelled
 * to mean something else answered 400 or 404 without a stack trace in the log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ServedPathsTest {
    static final Path ROOT = Fixtures.unpack(Fixtures.V1_DOCKER);

    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry r) {
        r.add("nscope.procfs", () -> ROOT.resolve("proc").toString());
        r.add("nscope.sysfs", () -> ROOT.resolve("sys").toString());
        r.add("nscope.scan-interval", () -> "100ms");
    }

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Before: 500 and a stack trace of some 65 lines each, 20 requests over 1,000 lines of log. */
    @Test
    void oddHealthPathsAre400Or404AndLogNothing(CapturedOutput output) throws Exception {
        List<String> odd = List.of("/actuator/health/%2e%2e/x", "/actuator/health/x/..", "/actuator/health/x/../",
                "/actuator/health/..;/x", "/actuator/health/%2E%2E", "/actuator/health/liveness/..", "/actuator/health/%252e%252e/x",
                "/actuator/health/./liveness", "/actuator/health/x%00", "/actuator/health/.x");
        int before = output.getAll().length();
        for (int i = 0; i < 2; i++) {
            for (String path : odd) {
                assertThat(get(path).statusCode()).as(path).isIn(400, 404);
            }
        }
        String logged = output.getAll().substring(before);
        assertThat(logged).doesNotContain("Exception").doesNotContain("ERROR");
        assertThat(logged.lines().count()).as(logged).isLessThanOrEqualTo(20);
        // what is plain still answers
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/nosuchgroup").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/containers").statusCode()).isIn(200, 503);
    }

    @Test
    void thereIsNoLinksIndex() throws Exception {
        HttpResponse<String> r = get("/actuator");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("_links");
    }

    @Test
    void infoAndTheScrapeNameTheBuild() throws Exception {
        BuildInfo build = BuildInfo.current();
        HttpResponse<String> info = get("/actuator/info");
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode doc = new JsonMapper().readTree(info.body());
        assertThat(doc.get("build").get("version").asString()).isEqualTo(build.version()).isNotEqualTo(BuildInfo.UNKNOWN);
        if (!build.revision().equals(BuildInfo.UNKNOWN)) {
            assertThat(build.revision()).startsWith(doc.get("git").get("commit").get("id").asString());
        }
        assertThat(info.body()).doesNotContain("java.home").doesNotContain("PATH");
        String series = "nscope_build_info{revision=\"" + build.revision() + "\",version=\"" + build.version() + "\"} 1";
        for (int i = 0; i < 100 && !get("/actuator/prometheus").body().contains("nscope_build_info"); i++) {
            Thread.sleep(100); // the first scan
        }
        assertThat(get("/actuator/prometheus").body()).contains(series);
    }
}
