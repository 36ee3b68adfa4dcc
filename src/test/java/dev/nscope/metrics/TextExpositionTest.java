package dev.nscope.metrics;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.testing.Fixtures;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** nscope's writer against the Prometheus client's writers: the same bytes, in both text formats. */
class TextExpositionTest {
    static final ExpositionFormats CLIENT = ExpositionFormats.init();

    /** What the client writes for the non-empty families, OpenMetrics without its {@code # EOF} line. */
    static String client(List<MetricFamily> families, boolean openMetrics) {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (MetricFamily f : families) {
            if (!f.isEmpty()) {
                snapshots.add(f.build());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (openMetrics) {
                CLIENT.getOpenMetricsTextFormatWriter().write(out, new MetricSnapshots(snapshots));
            } else {
                CLIENT.getPrometheusTextFormatWriter().write(out, new MetricSnapshots(snapshots));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String s = out.toString(StandardCharsets.UTF_8);
        assertThat(!openMetrics || s.endsWith("# EOF\n")).isTrue();
        return openMetrics ? s.substring(0, s.length() - "# EOF\n".length()) : s;
    }

    static String ours(List<MetricFamily> families, boolean openMetrics) {
        return TextExposition.write(families, openMetrics, name -> true, 16).text();
    }

    static List<MetricFamily> fixtureFamilies() {
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        SnapshotStore store = new SnapshotStore();
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10));
        service.runOnce();
        service.runOnce();
        ScanSnapshot s = store.latest();
        List<MetricFamily> all = new ArrayList<>(ContainerMetrics.collect(s.containers()));
        all.addAll(AgentMetrics.collect(s, service.totals()));
        return all;
    }

    @Test
    void theFixtureNodeIsWrittenAsTheClientWritesIt() {
        List<MetricFamily> families = fixtureFamilies();
        for (boolean om : new boolean[] {false, true}) {
            String expected = client(families, om);
            assertThat(expected.lines().filter(l -> l.startsWith("nscope_container_")).count()).isGreaterThan(200);
            assertThat(expected).contains("_info{", "_total{", "\"} 1", "device=", "rule=", "state=");
            assertThat(ours(families, om)).as(om ? "OpenMetrics" : "0.0.4").isEqualTo(expected);
        }
    }

    @Test
    void escapesNumbersAndEmptyLabelSetsAsTheClientDoes() {
        Random random = new Random(20261128L);
        IdentityHashMap<Labels, byte[]> rendered = new IdentityHashMap<>();
        for (int round = 0; round < 300; round++) {
            List<MetricFamily> families = new ArrayList<>();
            for (int f = 0; f < 4; f++) {
                String help = random.nextInt(5) == 0 ? "" : text(random);
                String name = "nscope_t" + round + "_" + f + switch (random.nextInt(3)) {
                    case 0 -> "_seconds";
                    case 1 -> "_bytes";
                    default -> "";
                };
                MetricFamily family = switch (random.nextInt(3)) {
                    case 0 -> MetricFamily.gauge(name, help);
                    case 1 -> MetricFamily.counter(name, help);
                    default -> MetricFamily.info(name, help);
                };
                Set<Labels> used = new LinkedHashSet<>();
                int points = random.nextInt(6);
                for (int p = 0; p < points; p++) {
                    Labels l = labels(random);
                    double v = number(random);
                    if (used.add(l)) {
                        family.add(l, family.kind() == MetricFamily.Kind.COUNTER && v < 0 ? -v : v); // the client refuses negative counters
                    }
                }
                families.add(family);
            }
            for (boolean om : new boolean[] {false, true}) {
                String expected = client(families, om);
                assertThat(ours(families, om)).as("round %d, %s", round, om ? "OpenMetrics" : "0.0.4").isEqualTo(expected);
                // label sets rendered by the other format's write, or by this one the round before: the same bytes
                for (int again = 0; again < 2; again++) {
                    assertThat(TextExposition.write(families, om, name -> true, 16, rendered).text())
                            .as("round %d, %s, label sets rendered before", round, om ? "OpenMetrics" : "0.0.4").isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void openMetricsKeepsEofLast() {
        byte[] head = "# TYPE a gauge\na 1.0\n# EOF\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "# TYPE b gauge\nb 2.0\n....".getBytes(StandardCharsets.US_ASCII);
        TextExposition.Chunk ours = new TextExposition.Chunk(b, b.length - 4); // a buffer longer than what was written
        TextExposition.Chunk more = new TextExposition.Chunk("c 3.0\n".getBytes(StandardCharsets.US_ASCII), 6);
        assertThat(new String(TextExposition.append(head, true, ours, more), StandardCharsets.US_ASCII))
                .isEqualTo("# TYPE a gauge\na 1.0\n# TYPE b gauge\nb 2.0\nc 3.0\n# EOF\n");
        byte[] plain = "a 1.0\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(TextExposition.append(plain, false, ours), StandardCharsets.US_ASCII))
                .isEqualTo("a 1.0\n# TYPE b gauge\nb 2.0\n");
        assertThat(TextExposition.append(plain, false)).isEqualTo(plain);
    }

    @Test
    void onlyTheIncludedFamilies() {
        List<MetricFamily> families = fixtureFamilies();
        String text = TextExposition.write(families, false, Set.of("nscope_scans", "nscope_processes")::contains, 16).text();
        assertThat(text.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("[{ ].*", "")).distinct().toList())
                .containsExactlyInAnyOrder("nscope_scans_total", "nscope_processes");
    }

    static Labels labels(Random random) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int n = random.nextInt(4);
        for (String candidate : List.of("id", "name", "runtime", "state", "rule", "pod", "container")) {
            if (names.size() < n && random.nextBoolean()) {
                names.add(candidate);
                values.add(text(random));
            }
        }
        return Labels.of(names, values);
    }

    /** Quotes, backslashes, newlines, tabs, non-ASCII letters and emoji, and now and then a lone surrogate. */
    static String text(Random random) {
        String[] pieces = {"a", "Z", "0", " ", "\"", "\\", "\n", "\t", "é", "ж", "…", "🐳", "{", "}", "=", ",", "\ud800", "x_y"};
        StringBuilder sb = new StringBuilder();
        int len = random.nextInt(12);
        for (int i = 0; i < len; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    static double number(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> -0.0;
            case 4 -> 9_999_999.0 + random.nextInt(3); // around 10^7, where Double.toString turns to E notation
            case 5 -> -9_999_999.0 - random.nextInt(3);
            case 6 -> random.nextDouble() * 1e-6;
            case 7 -> random.nextLong();
            case 8 -> random.nextInt(1000);
            case 9 -> 0.0;
            case 10 -> random.nextGaussian() * 1e12;
            default -> random.nextDouble();
        };
    }
}
