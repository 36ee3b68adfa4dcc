package dev.nscope.monitoring;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards of {@code dashboards/}: their panels, query targets and template variables. */
final class Dashboards {
    private static final JsonMapper JSON = new JsonMapper();
    /** Grafana's variable syntaxes; the dashboards use only {@code $name} (and {@code ${datasource}} for the data source). */
    static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((?:(.*),\\s*)?(\\w+)\\)");

    private Dashboards() {
    }

    /** A text field, "" where absent. */
    static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? "" : n.asString();
    }

    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return text(json.path("uid"));
        }

        List<JsonNode> panels() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode p : json.path("panels")) {
                out.add(p);
                for (JsonNode inner : p.path("panels")) {
                    out.add(inner);
                }
            }
            return out;
        }

        List<JsonNode> variables() {
            List<JsonNode> out = new ArrayList<>();
            json.path("templating").path("list").forEach(out::add);
            return out;
        }

        /** Every query of the dashboard: panel targets and annotation queries. */
        List<Query> queries() {
            List<Query> out = new ArrayList<>();
            for (JsonNode p : panels()) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Query(this, text(p.path("title")), text(t.path("refId")), text(t.path("expr")),
                            t.path("instant").asBoolean(false)));
                }
            }
            for (JsonNode a : json.path("annotations").path("list")) {
                if (a.has("expr")) {
                    out.add(new Query(this, "annotation " + text(a.path("name")), "-", text(a.path("expr")), false));
                }
            }
            return out;
        }
    }

    /** One query: where it is, and whether Grafana runs it as an instant query (tables, some stats) or over a range. */
    record Query(Dashboard dashboard, String panel, String refId, String expr, boolean instant) {
        String where() {
            return dashboard.uid() + " / " + panel + " / " + refId;
        }
    }

    /** A query variable's {@code label_values(selector, label)}. */
    record LabelValues(String selector, String label) {
        static LabelValues parse(String definition) {
            Matcher m = LABEL_VALUES.matcher(definition.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not label_values(…): " + definition);
            }
            return new LabelValues(m.group(1) == null ? null : m.group(1).strip(), m.group(2));
        }
    }

    static List<Dashboard> all() {
        try (Stream<Path> files = Files.list(Tools.DASHBOARDS)) {
            List<Dashboard> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(new Dashboard(f, JSON.readTree(Files.readString(f))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the variables an expression uses. */
    static List<String> variablesIn(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }

    /**
     * The expression as Grafana sends it: {@code $name} replaced by its value; built-ins as Grafana would set
     * them for a 1 s scrape interval (see {@link #BUILT_INS}). An unknown variable is an error.
     */
    static String substitute(String expr, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(BUILT_INS);
        all.putAll(values);
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String v = all.get(name);
            if (v == null) {
                throw new IllegalArgumentException("unknown variable $" + name + " in " + expr);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Grafana's built-ins as the live test sets them (scrape interval 1 s, a short time range). */
    static final Map<String, String> BUILT_INS = Map.of(
            "__rate_interval", "15s",
            "__interval", "5s",
            "__range", "5m");

    /** A value as Grafana writes it into a regex matcher of a multi-value variable: regex characters escaped. */
    static String regexEscape(String value) {
        return value.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\\\\\$0");
    }
}
