package dev.nscope.monitoring;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

/** The alerting rules of {@code prometheus/nscope-rules.yaml}, read as plain YAML. */
record RuleFile(List<Alert> alerts) {

    record Alert(String group, String name, String expr, String forDuration, Map<String, String> labels,
                 Map<String, String> annotations) {
    }

    /** Metric selectors inside an expression: a metric name of ours or Prometheus's, with its matchers if any. */
    private static final Pattern SELECTOR = Pattern.compile(
            "\\b((?:nscope|process|jvm|system)_[a-zA-Z0-9_]+|up|ALERTS)\\b(\\s*\\{[^}]*})?");

    static RuleFile load(Path file) {
        try {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            Map<String, Object> root = yaml.load(Files.readString(file));
            List<Alert> alerts = new ArrayList<>();
            for (Object g : (List<?>) root.get("groups")) {
                Map<?, ?> group = (Map<?, ?>) g;
                for (Object r : (List<?>) group.get("rules")) {
                    Map<?, ?> rule = (Map<?, ?>) r;
                    if (rule.get("alert") == null) {
                        continue;
                    }
                    alerts.add(new Alert((String) group.get("name"), (String) rule.get("alert"),
                            ((String) rule.get("expr")).strip(), (String) rule.get("for"),
                            strings(rule.get("labels")), strings(rule.get("annotations"))));
                }
            }
            return new RuleFile(alerts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> m = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
        }
        return m;
    }

    /** The vector selectors of an expression ({@code up{job="nscope"}}, {@code nscope_container_zombies{…}}), as written. */
    static List<String> selectors(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            String s = m.group(0).replaceAll("\\s+\\{", "{");
            // a label name inside a matcher (e.g. "up" in by (...)) is no selector: only names outside braces count
            if (insideBraces(expr, m.start())) {
                continue;
            }
            out.add(s);
        }
        return out;
    }

    private static boolean insideBraces(String s, int at) {
        int open = s.lastIndexOf('{', at);
        int close = s.lastIndexOf('}', at);
        return open > close;
    }
}
