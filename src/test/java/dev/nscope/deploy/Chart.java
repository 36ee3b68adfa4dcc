package dev.nscope.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The Helm chart {@code helm/nscope}, rendered by real Helm (helm-java's native library) and parsed
 * with SnakeYAML, with small accessors to walk the objects by field.
 */
final class Chart {
    static final Path DIR = Path.of("helm", "nscope");
    static final String RELEASE = "nscope";
    static final String NAMESPACE = "nscope-system";
    /** The Kubernetes version rendered for (helm-java's own default, 1.20, is older than the chart allows). */
    static final String KUBE_VERSION = "1.31.0";

    private Chart() {
    }

    /** {@code helm template nscope helm/nscope -n nscope-system [-f values] [--set k=v …]}, parsed. */
    static Rendered render(Path valuesFile, Map<String, Object> set) {
        return render(DIR, valuesFile, set);
    }

    static Rendered render(Path chart, Path valuesFile, Map<String, Object> set) {
        TemplateCommand t = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            t = t.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return Rendered.of(t.call());
    }

    static Rendered render(Path valuesFile) {
        return render(valuesFile, Map.of());
    }

    /** A copy of the chart in {@code dir}. */
    static Path copyTo(Path dir) throws IOException {
        Path copy = dir.resolve("nscope");
        try (Stream<Path> s = Files.walk(DIR)) {
            for (Path p : s.toList()) {
                Path to = copy.resolve(DIR.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    /**
     * A copy of the chart whose hooks render as plain objects: helm-java's {@code template} returns the
     * release manifest, which leaves hooks (the {@code helm test} pod) out. The hook annotations are
     * renamed {@code was.helm.sh/hook…}, values kept, so tests still see them.
     */
    static Path copyWithHooksAsObjects(Path dir) throws IOException {
        Path copy = copyTo(dir);
        try (Stream<Path> s = Files.walk(copy.resolve("templates"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.writeString(p, Files.readString(p).replace("helm.sh/hook", "was.helm.sh/hook"));
            }
        }
        return copy;
    }

    /**
     * A copy of the chart whose {@code values.yaml} is the chart's own with {@code valuesFile} merged over it,
     * as Helm merges a {@code -f} file: for {@code helm lint}, which takes no values file.
     */
    static Path copyWithValues(Path dir, Path valuesFile) throws IOException {
        Path copy = copyTo(dir);
        Yaml yaml = new Yaml();
        Map<String, Object> merged = map(yaml.load(Files.readString(DIR.resolve("values.yaml"))));
        Object over = yaml.load(Files.readString(valuesFile));
        if (over != null) {
            merged = merge(merged, map(over));
        }
        Files.writeString(copy.resolve("values.yaml"), yaml.dump(merged));
        return copy;
    }

    /** {@code over} merged into {@code base}: maps key by key, anything else replaced. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(base);
        over.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> && out.get(k) instanceof Map<?, ?>
                ? merge(map(out.get(k)), map(v)) : v));
        return out;
    }

    /** The objects of one rendering. */
    record Rendered(String yaml, List<Map<String, Object>> objects) {
        static Rendered of(String yaml) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : new Yaml().loadAll(yaml)) {
                if (o != null) {
                    out.add(map(o));
                }
            }
            return new Rendered(yaml, out);
        }

        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        /** The one object of this kind; fails when there is none or more than one. */
        Map<String, Object> one(String kind) {
            List<Map<String, Object>> l = all(kind);
            if (l.size() != 1) {
                throw new AssertionError("expected one " + kind + ", found " + l.size() + " in:\n" + yaml);
            }
            return l.get(0);
        }

        Map<String, Object> podSpec() {
            return map(at(one("DaemonSet"), "spec", "template", "spec"));
        }

        /** The agent container of the DaemonSet. */
        Map<String, Object> agent() {
            List<Map<String, Object>> cs = list(podSpec().get("containers"));
            if (cs.size() != 1) {
                throw new AssertionError("expected one container in the DaemonSet, found " + cs.size());
            }
            return cs.get(0);
        }

        @SuppressWarnings("unchecked")
        List<String> agentArgs() {
            return (List<String>) agent().get("args");
        }
    }

    /** The value at a path of map keys (String) and list indexes (Integer); null when absent. */
    static Object at(Object root, Object... path) {
        Object cur = root;
        for (Object step : path) {
            if (cur == null) {
                return null;
            }
            if (step instanceof Integer i) {
                List<?> l = (List<?>) cur;
                cur = i < l.size() ? l.get(i) : null;
            } else {
                cur = ((Map<?, ?>) cur).get(step);
            }
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o, "absent");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }
}
