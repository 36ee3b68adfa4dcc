package dev.nscope.monitoring;

import dev.nscope.testing.Live;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The Prometheus binaries the monitoring tests run: Debian's {@code prometheus} package has both. */
final class Tools {
    static final Path RULES = Path.of("prometheus/nscope-rules.yaml");
    static final Path RULE_TESTS = Path.of("prometheus/nscope-rules.test.yaml");
    static final Path RUNBOOK = Path.of("docs/runbook.md");
    static final Path DASHBOARDS = Path.of("dashboards");

    private Tools() {
    }

    /** An executable on the PATH (or in /usr/bin, /usr/local/bin). */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin";
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
        Optional<Path> p = find(name);
        Live.require(p.isPresent(), name + " is needed (Debian package prometheus)");
        return p.orElseThrow();
    }
}
