package dev.nscope.monitoring;

import dev.nscope.testing.Live;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The tools the monitoring tests run: Debian's {@code prometheus} package has prometheus and promtool, {@code jsonnet} the mixin's. */
final class Tools {
    static final Path RULES = Path.of("prometheus/nscope-rules.yaml");
    static final Path RULE_TESTS = Path.of("prometheus/nscope-rules.test.yaml");
    static final Path RUNBOOK = Path.of("docs/runbook.md");
    static final Path DASHBOARDS = Path.of("dashboards");
    static final Path MIXIN = Path.of("mixin");
    static final Path CHART_RULES = Path.of("helm/nscope/files/nscope-rules.yaml");

    private Tools() {
    }

    /** An executable on the PATH (or in /usr/bin, /usr/local/bin, /usr/sbin, /sbin). */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The tool, or a skip (a failure under CI=true) naming the package that has it. */
    static Path require(String name) {
        return require(name, "prometheus");
    }

    /** The tool, or a skip (a failure under CI=true) naming the Debian package that has it. */
    static Path require(String name, String debianPackage) {
        Optional<Path> p = find(name);
        Live.require(p.isPresent(), name + " is needed (Debian package " + debianPackage + ")");
        return p.orElseThrow();
    }
}
