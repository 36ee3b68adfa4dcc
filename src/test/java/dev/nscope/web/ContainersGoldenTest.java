package dev.nscope.web;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The containers document of the captured hosts, list and detail views, against golden files: the
 * contract's field names, order and values as a user's client reads them. Only what varies from run to
 * run is blanked ({@code scannedAt}, {@code scanMillis}, zombie ages). Regenerate with {@code -Dnscope.golden.update=true}
 * after an intended change, and review the diff.
 */
class ContainersGoldenTest {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    static String normalised(String json) {
        return json.replaceAll("\"scannedAt\":\"[^\"]*\"", "\"scannedAt\":\"-\"")
                .replaceAll("\"scanMillis\":[0-9]+", "\"scanMillis\":0")
                .replaceAll("(\"(?:oldestA|a)geSeconds\"):[0-9.]+", "$1:0")
                .replaceAll("for [0-9.]+ s or more", "for 0 s or more");
    }

    static void check(String name, String actual) throws Exception {
        Path golden = Path.of("src/test/resources/golden", name);
        if (Boolean.getBoolean("nscope.golden.update")) {
            Files.writeString(golden, normalised(actual));
        }
        assertThat(normalised(actual)).as(name).isEqualTo(normalised(Files.readString(golden)));
    }

    /** Three passes (PID-1 verdicts confirmed over looks), zombies judged at once, as the agent on the capture. */
    static ScanSnapshot scanned(String archive, String tree) {
        Scanner scanner = new Scanner(Fixtures.paths(archive, tree),
                dev.nscope.scan.ScanOptions.defaults().withZombieGrace(Duration.ZERO));
        ScanSnapshot s = null;
        for (int i = 0; i < 3; i++) {
            s = scanner.scan();
        }
        return s;
    }

    @Test
    void documentsOfTheCapturedHosts() throws Exception {
        String[][] trees = {{Fixtures.V2_CASES, "host", "containers-v2-cases.json"}, {Fixtures.V1_DOCKER, "", "containers-v1-docker.json"},
                {Fixtures.V2_NODE, "", "containers-v2-node.json"}};
        for (String[] t : trees) {
            ScanSnapshot s = scanned(t[0], t[1]);
            String doc = new String(new ContainersJson().bytes(s), StandardCharsets.UTF_8);
            check(t[2], doc + "\n");
        }
    }

    @Test
    void detailViewsOfTheCapturedHosts() throws Exception {
        ScanSnapshot s = scanned(Fixtures.V2_CASES, "host");
        StringBuilder all = new StringBuilder();
        s.containers().forEach(c -> {
            String ours = new String(ContainersJson.detail(s, c, false), StandardCharsets.UTF_8);
            assertThat(ours).isEqualTo(MAPPER.writeValueAsString(ContainersDocument.detail(c, s.node().hostNamespaces(), false)));
            all.append(ours).append('\n');
        });
        check("container-details-v2-cases.json", all.toString());
    }
}
