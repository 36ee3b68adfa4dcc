package dev.nscope;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core knows nothing of Spring, Micrometer or Jackson beyond jackson-core's streaming parser (runtime
 * metadata is JSON), data flows one way, and no package, adapters included, imports one that imports it back.
 */
class ArchitectureTest {
    static final String[] CORE = {"dev.nscope.host..", "dev.nscope.proc..", "dev.nscope.cgroup..", "dev.nscope.container..",
            "dev.nscope.pid1..", "dev.nscope.scan..", "dev.nscope.rules..", "dev.nscope.text..", "dev.nscope.events..",
            "dev.nscope.lifecycle.."};
    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nscope");

    /** Jackson 3 but its streaming core (tools.jackson.core): databind, formats, modules; and Jackson 2 with its annotations. */
    static final DescribedPredicate<JavaClass> JACKSON_BEYOND_STREAMING = resideInAPackage("tools.jackson..")
            .and(not(resideInAPackage("tools.jackson.core..")))
            .or(resideInAPackage("com.fasterxml.jackson.."))
            .as("Jackson beyond jackson-core's streaming parser");

    @Test
    void coreHasNoFrameworkDependencies() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..", "io.prometheus..",
                        "jakarta.servlet..")
                .orShould().dependOnClassesThat(JACKSON_BEYOND_STREAMING)
                .check(MAIN);
    }

    @Test
    void theRuleSeesJacksonBeyondTheStreamingCore() {
        assertThat(JACKSON_BEYOND_STREAMING.test(new ClassFileImporter().importClass(tools.jackson.databind.ObjectMapper.class))).isTrue();
        assertThat(JACKSON_BEYOND_STREAMING.test(new ClassFileImporter().importClass(
                com.fasterxml.jackson.annotation.JsonInclude.class))).isTrue();
        assertThat(JACKSON_BEYOND_STREAMING.test(new ClassFileImporter().importClass(tools.jackson.core.JsonParser.class))).isFalse();
    }

    @Test
    void coreDoesNotReachOutward() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("dev.nscope.web..", "dev.nscope.metrics..", "dev.nscope.cli..",
                        "dev.nscope.agent..", "dev.nscope.settings..", "dev.nscope.snapshot..")
                .check(MAIN);
    }

    @Test
    void corePackagesHaveNoCycles() {
        slices().matching("dev.nscope.(host|proc|cgroup|container|pid1|scan|rules|text|events|lifecycle)..").should().beFreeOfCycles().check(MAIN);
    }

    /** The adapters share settings and the snapshot store through packages of their own, not through each other. */
    @Test
    void noPackageIsInACycle() {
        slices().matching("dev.nscope.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    /** Small files named after what they hold: none of the sources is over 300 lines. */
    @Test
    void noSourceFileIsOver300Lines() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("src/main/java");
        java.util.Map<String, Long> over = new java.util.TreeMap<>();
        try (var files = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                long lines;
                try (var l = java.nio.file.Files.lines(f)) {
                    lines = l.count();
                }
                if (lines > 300) {
                    over.put(root.relativize(f).toString(), lines);
                }
            }
        }
        assertThat(root).isDirectory();
        assertThat(over).isEmpty();
    }
}
