package dev.nscope.monitoring;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.nscope.monitoring.Dashboards.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards as files: plain Grafana JSON models with fixed uids, a data source variable and the
 * node / namespace / pod / container variables from the agent's own series, a unit on every panel.
 * That each query parses and finds data is {@link MonitoringLiveTest}'s part.
 */
class DashboardsTest {
    static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "table", "bargauge");
    static final String DS = "${datasource}";

    @Test
    void theThreeDashboardsAreThere() {
        assertThat(Dashboards.all()).extracting(Dashboards.Dashboard::uid)
                .containsExactlyInAnyOrder("nscope-node", "nscope-container", "nscope-pid1");
    }

    @Test
    void eachIsAPlainGrafanaModelWithAFixedUid() {
        Set<String> uids = new HashSet<>();
        for (Dashboards.Dashboard d : Dashboards.all()) {
            JsonNode j = d.json();
            assertThat(uids.add(d.uid())).as("unique uid %s", d.uid()).isTrue();
            assertThat(d.uid()).as(d.file().toString()).matches("nscope-[a-z0-9-]+").hasSizeLessThanOrEqualTo(40);
            assertThat(d.file().getFileName().toString()).isEqualTo(d.uid() + ".json");
            assertThat(j.has("__inputs")).as("%s: no __inputs (not an 'export for sharing')", d.uid()).isFalse();
            assertThat(j.path("id").isNull()).as("%s: id null, so it imports anywhere", d.uid()).isTrue();
            assertThat(j.path("schemaVersion").asInt()).as(d.uid()).isBetween(36, 41);
            assertThat(text(j.path("title"))).startsWith("nscope / ");
            assertThat(j.path("tags").toString()).contains("\"nscope\"");
        }
    }

    @Test
    void theDataSourceIsAVariableAndEveryQueryUsesIt() {
        for (Dashboards.Dashboard d : Dashboards.all()) {
            JsonNode ds = d.variables().get(0);
            assertThat(text(ds.path("name"))).isEqualTo("datasource");
            assertThat(text(ds.path("type"))).isEqualTo("datasource");
            assertThat(text(ds.path("query"))).isEqualTo("prometheus");
            for (JsonNode p : d.panels()) {
                if (isRow(p)) {
                    continue;
                }
                assertThat(text(p.path("datasource").path("uid"))).as("%s / %s", d.uid(), text(p.path("title"))).isEqualTo(DS);
                for (JsonNode t : p.path("targets")) {
                    assertThat(text(t.path("datasource").path("uid"))).as("%s / %s", d.uid(), text(p.path("title"))).isEqualTo(DS);
                }
            }
            for (JsonNode v : d.variables()) {
                if ("query".equals(text(v.path("type")))) {
                    assertThat(text(v.path("datasource").path("uid"))).as("%s $%s", d.uid(), text(v.path("name"))).isEqualTo(DS);
                }
            }
        }
    }

    @Test
    void theVariablesComeFromTheAgentsOwnSeries() {
        for (Dashboards.Dashboard d : Dashboards.all()) {
            Map<String, JsonNode> vars = d.variables().stream().collect(Collectors.toMap(v -> text(v.path("name")), v -> v));
            assertThat(vars.keySet()).as(d.uid()).contains("datasource", "cluster", "job", "node", "namespace", "pod", "container");
            // the cluster first (the job and everything after are within it), then the job: as the mixins do
            assertThat(d.variables().stream().limit(3).map(v -> text(v.path("name"))).toList()).as(d.uid())
                    .containsExactly("datasource", "cluster", "job");
            assertLabelValues(d, vars.get("cluster"), "cluster");
            assertThat(Dashboards.LabelValues.parse(text(vars.get("cluster").path("definition"))).selector())
                    .as("%s $cluster: no other variable in its selector", d.uid()).doesNotContain("$");
            // one cluster at a time; where no series has the label, Grafana's None ("") matches them all
            assertThat(vars.get("cluster").path("multi").asBoolean()).isFalse();
            assertThat(vars.get("cluster").path("includeAll").asBoolean()).isFalse();
            assertLabelValues(d, vars.get("job"), "job");
            assertThat(Dashboards.LabelValues.parse(text(vars.get("job").path("definition"))).selector()).contains("cluster=\"$cluster\"");
            assertLabelValues(d, vars.get("node"), "instance");
            assertLabelValues(d, vars.get("namespace"), "namespace");
            assertLabelValues(d, vars.get("pod"), "pod");
            assertLabelValues(d, vars.get("container"), "name");
            for (String v : List.of("namespace", "pod", "container")) {
                // "All" must also match containers that have no such label (outside Kubernetes)
                assertThat(vars.get(v).path("includeAll").asBoolean()).as("%s $%s includeAll", d.uid(), v).isTrue();
                assertThat(text(vars.get(v).path("allValue"))).as("%s $%s allValue", d.uid(), v).isEqualTo(".*");
            }
            for (JsonNode v : d.variables()) {
                if ("query".equals(text(v.path("type")))) {
                    Dashboards.LabelValues lv = Dashboards.LabelValues.parse(text(v.path("definition")));
                    assertThat(lv.selector()).as("%s $%s", d.uid(), text(v.path("name"))).startsWith("nscope_");
                    assertThat(text(v.path("query").path("query"))).isEqualTo(text(v.path("definition")));
                }
            }
        }
        Dashboards.Dashboard detail = Dashboards.all().stream().filter(d -> d.uid().equals("nscope-container")).findFirst().orElseThrow();
        JsonNode id = detail.variables().stream().filter(v -> text(v.path("name")).equals("id")).findFirst().orElseThrow();
        assertThat(Dashboards.LabelValues.parse(text(id.path("definition"))).label()).isEqualTo("id");
        assertThat(id.path("multi").asBoolean()).isFalse();
    }

    @Test
    void everySelectorNamesTheClusterAndTheJobAndJoinsKeepTheCluster() {
        Pattern on = Pattern.compile("\\bon \\(([^)]*)\\)");
        for (Dashboards.Dashboard d : Dashboards.all()) {
            List<String[]> exprs = new ArrayList<>();
            d.queries().forEach(q -> exprs.add(new String[] {q.where(), q.expr()}));
            for (JsonNode v : d.variables()) {
                String name = text(v.path("name"));
                if ("query".equals(text(v.path("type"))) && !name.equals("cluster") && !name.equals("job")) {
                    exprs.add(new String[] {d.uid() + " $" + name, Dashboards.LabelValues.parse(text(v.path("definition"))).selector()});
                }
            }
            for (String[] e : exprs) {
                List<String> selectors = RuleFile.selectors(e[1]);
                assertThat(selectors).as(e[0]).isNotEmpty();
                for (String sel : selectors) {
                    assertThat(sel).as("%s: %s", e[0], sel).contains("cluster=\"$cluster\", job=\"$job\"");
                }
                Matcher m = on.matcher(e[1]);
                while (m.find()) {
                    assertThat(m.group(1)).as("%s: %s", e[0], m.group()).startsWith("cluster, job, instance");
                }
            }
        }
    }

    @Test
    void theNodeAndContainerDashboardsShowNetworkBytesPacketsDropsAndErrors() {
        Pattern family = Pattern.compile("nscope_container_network_\\w+_total");
        Set<String> all = new TreeSet<>();
        for (String dir : List.of("receive", "transmit")) {
            for (String what : List.of("bytes", "packets", "packets_dropped", "errors")) {
                all.add("nscope_container_network_" + dir + "_" + what + "_total");
            }
        }
        for (Dashboards.Dashboard d : Dashboards.all()) {
            if (d.uid().equals("nscope-pid1")) {
                continue;
            }
            Set<String> used = new TreeSet<>();
            for (Dashboards.Query q : d.queries()) {
                Matcher m = family.matcher(q.expr());
                while (m.find()) {
                    used.add(m.group());
                }
            }
            assertThat(used).as(d.uid()).isEqualTo(all);
        }
    }

    private static void assertLabelValues(Dashboards.Dashboard d, JsonNode v, String label) {
        Dashboards.LabelValues lv = Dashboards.LabelValues.parse(text(v.path("definition")));
        assertThat(lv.label()).as("%s $%s", d.uid(), text(v.path("name"))).isEqualTo(label);
    }

    @Test
    void everyPanelHasAUnitAQueryAndAPlace() {
        for (Dashboards.Dashboard d : Dashboards.all()) {
            Set<Integer> ids = new HashSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode p : d.panels()) {
                String where = d.uid() + " / " + text(p.path("title"));
                assertThat(ids.add(p.path("id").asInt())).as("%s: unique panel id", where).isTrue();
                assertThat(text(p.path("title"))).as(where).isNotBlank();
                JsonNode g = p.path("gridPos");
                int x = g.path("x").asInt(), y = g.path("y").asInt(), w = g.path("w").asInt(), h = g.path("h").asInt();
                assertThat(w).as("%s: width", where).isBetween(1, 24);
                assertThat(x + w).as("%s: within 24 columns", where).isLessThanOrEqualTo(24);
                assertThat(h).as("%s: height", where).isPositive();
                for (int[] b : boxes) {
                    boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                    assertThat(overlap).as("%s overlaps another panel", where).isFalse();
                }
                boxes.add(new int[] {x, y, w, h});
                if (isRow(p)) {
                    // a section heading across the board: no query of its own
                    assertThat(List.of(x, w, h)).as("%s: a row spans the board, one unit high", where).containsExactly(0, 24, 1);
                    assertThat(p.has("targets")).as("%s: a row has no targets", where).isFalse();
                    continue;
                }
                assertThat(text(p.path("type"))).as(where).isIn(PANEL_TYPES);
                assertThat(text(p.path("description"))).as("%s: a description", where).isNotBlank();
                assertThat(text(p.path("fieldConfig").path("defaults").path("unit"))).as("%s: fieldConfig.defaults.unit", where).isNotBlank();
                assertThat(p.path("targets").size()).as("%s: targets", where).isPositive();
                Set<String> refs = new HashSet<>();
                for (JsonNode t : p.path("targets")) {
                    assertThat(refs.add(text(t.path("refId")))).as("%s: unique refId", where).isTrue();
                    assertThat(text(t.path("expr"))).as("%s: expr", where).isNotBlank();
                }
            }
        }
    }

    /**
     * The PID-1 board's Posture row: a count per isolation rule (the critical ones red from one container on) and a
     * table of the containers with any of them, all from {@code nscope_container_finding} alone.
     */
    @Test
    void thePid1BoardHasAPostureRowOfTheIsolationFindings() {
        Dashboards.Dashboard d = Dashboards.all().stream().filter(b -> b.uid().equals("nscope-pid1")).findFirst().orElseThrow();
        List<JsonNode> row = rowPanels(d, "Posture");
        assertThat(row).as("panels of the Posture row").isNotEmpty();
        Pattern ruleMatcher = Pattern.compile("\\brule=(~?)\"([^\"]*)\"");
        Set<String> counted = new TreeSet<>();
        boolean table = false;
        for (JsonNode p : row) {
            String where = "nscope-pid1 / " + text(p.path("title"));
            for (JsonNode t : p.path("targets")) {
                String expr = text(t.path("expr"));
                for (String sel : RuleFile.selectors(expr)) {
                    assertThat(sel).as("%s: only the findings", where).startsWith("nscope_container_finding{");
                }
                Matcher m = ruleMatcher.matcher(expr);
                assertThat(m.find()).as("%s: names its rules: %s", where, expr).isTrue();
                Set<String> rules = m.group(1).isEmpty() ? Set.of(m.group(2)) : Set.of(m.group(2).split("\\|"));
                assertThat(rules).as(where).isSubsetOf(ISOLATION_RULES);
                if (text(p.path("type")).equals("stat")) {
                    assertThat(rules).as("%s: one rule per stat", where).hasSize(1);
                    counted.addAll(rules);
                    String rule = rules.iterator().next();
                    // a stat counts containers, 0 when there are none (not "No data")
                    assertThat(expr).as(where).startsWith("count(").endsWith(" or vector(0)");
                    if (CRITICAL_ISOLATION_RULES.contains(rule)) {
                        JsonNode steps = p.path("fieldConfig").path("defaults").path("thresholds").path("steps");
                        assertThat(text(steps.path(steps.size() - 1).path("color"))).as("%s: red for a critical rule", where).isEqualTo("red");
                        assertThat(steps.path(steps.size() - 1).path("value").asInt()).as(where).isEqualTo(1);
                    }
                } else if (text(p.path("type")).equals("table")) {
                    table = true;
                    assertThat(rules).as("%s: every isolation rule", where).isEqualTo(ISOLATION_RULES);
                    assertThat(t.path("instant").asBoolean()).as("%s: an instant query", where).isTrue();
                    assertThat(text(t.path("format"))).isEqualTo("table");
                    JsonNode columns = p.path("transformations").path(0).path("options").path("indexByName");
                    for (String c : List.of("name", "id", "runtime", "rule", "severity")) {
                        assertThat(columns.has(c)).as("%s: column %s", where, c).isTrue();
                        assertThat(expr).as("%s: keeps %s", where, c).containsPattern("by \\([^)]*\\b" + c + "\\b");
                    }
                }
            }
        }
        assertThat(counted).as("a stat per isolation rule").isEqualTo(ISOLATION_RULES);
        assertThat(table).as("a table of the containers").isTrue();
    }

    static final Set<String> ISOLATION_RULES = new TreeSet<>(Set.of("privileged", "dangerous-capabilities", "seccomp-unconfined",
            "runtime-socket-mounted", "host-path-mounted"));
    static final Set<String> CRITICAL_ISOLATION_RULES = Set.of("privileged", "runtime-socket-mounted");

    static boolean isRow(JsonNode p) {
        return "row".equals(text(p.path("type")));
    }

    /** The panels under the row titled {@code title}: below it, down to the next row (an open row holds them in place). */
    static List<JsonNode> rowPanels(Dashboards.Dashboard d, String title) {
        List<JsonNode> rows = d.panels().stream().filter(DashboardsTest::isRow).toList();
        JsonNode row = rows.stream().filter(r -> text(r.path("title")).equals(title)).findFirst().orElseThrow();
        int top = row.path("gridPos").path("y").asInt();
        int bottom = rows.stream().mapToInt(r -> r.path("gridPos").path("y").asInt()).filter(y -> y > top).min().orElse(Integer.MAX_VALUE);
        if (row.path("collapsed").asBoolean()) {
            List<JsonNode> inner = new ArrayList<>();
            row.path("panels").forEach(inner::add);
            return inner;
        }
        return d.panels().stream().filter(p -> !isRow(p)).filter(p -> {
            int y = p.path("gridPos").path("y").asInt();
            return y > top && y < bottom;
        }).toList();
    }

    /**
     * Every {@code nscope_*} series a dashboard queries is one that docs/metrics.md documents: a misspelt name would
     * find no data for good ({@link MonitoringLiveTest} proves the data on a live host, this holds without one).
     */
    @Test
    void everyNscopeSeriesTheDashboardsQueryIsDocumented() throws Exception {
        Set<String> documented = documentedMetrics(java.nio.file.Files.readString(METRICS_DOC));
        assertThat(documented).contains("nscope_container_finding", "nscope_container_stops_total", "nscope_event_source_up",
                "nscope_container_network_receive_packets_dropped_total");
        Pattern name = Pattern.compile("\\bnscope_\\w+");
        for (Dashboards.Dashboard d : Dashboards.all()) {
            for (Dashboards.Query q : d.queries()) {
                Matcher m = name.matcher(q.expr());
                while (m.find()) {
                    assertThat(documented).as("%s: %s is in %s", q.where(), m.group(), METRICS_DOC).contains(m.group());
                }
            }
        }
    }

    static final java.nio.file.Path METRICS_DOC = java.nio.file.Path.of("docs/metrics.md");

    /**
     * The metric names of docs/metrics.md's code spans: {@code a_{x,y}_b} stands for a_x_b and a_y_b; a trailing
     * {@code {label,…}} is the series' labels. Both readings are kept (a name that matches either is documented).
     */
    static Set<String> documentedMetrics(String markdown) {
        Set<String> out = new TreeSet<>();
        Matcher span = Pattern.compile("`([^`]+)`").matcher(markdown);
        while (span.find()) {
            List<String> names = new ArrayList<>(List.of(""));
            for (String part : span.group(1).split("(?=\\{)|(?<=})")) {
                List<String> next = new ArrayList<>();
                for (String prefix : names) {
                    if (part.startsWith("{") && part.endsWith("}")) {
                        next.add(prefix);
                        for (String alt : part.substring(1, part.length() - 1).split(",")) {
                            next.add(prefix + alt.strip());
                        }
                    } else {
                        next.add(prefix + part);
                    }
                }
                names = next;
            }
            for (String n : names) {
                Matcher m = Pattern.compile("^nscope_\\w+").matcher(n);
                if (m.find()) {
                    out.add(m.group());
                }
            }
        }
        return out;
    }

    @Test
    void queriesUseOnlyDefinedVariablesInPlainSyntax() {
        for (Dashboards.Dashboard d : Dashboards.all()) {
            Set<String> defined = d.variables().stream().map(v -> text(v.path("name"))).collect(Collectors.toSet());
            defined.addAll(Dashboards.BUILT_INS.keySet());
            for (Dashboards.Query q : d.queries()) {
                assertThat(q.expr()).as(q.where()).doesNotContain("${").doesNotContain("[[");
                assertThat(Dashboards.variablesIn(q.expr())).as(q.where()).isSubsetOf(defined).doesNotContain("datasource");
            }
        }
    }

    @Test
    void substitutionReplacesVariablesAndBuiltIns() {
        assertThat(Dashboards.substitute("rate(x{instance=\"$node\", id=~\"$id\"}[$__rate_interval])",
                Map.of("node", "127.0.0.1:9810", "id", ".*")))
                .isEqualTo("rate(x{instance=\"127.0.0.1:9810\", id=~\".*\"}[15s])");
        assertThat(Dashboards.regexEscape("a.b(c)")).isEqualTo("a\\\\.b\\\\(c\\\\)");
        assertThat(Dashboards.LabelValues.parse("label_values(nscope_container_info{job=\"$job\"}, pod)"))
                .isEqualTo(new Dashboards.LabelValues("nscope_container_info{job=\"$job\"}", "pod"));
    }
}
