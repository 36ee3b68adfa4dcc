package dev.nscope;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core knows nothing of Spring, Micrometer or Jackson, data flows one way, and no package, adapters
 * included, imports one that imports it back.
 */
class ArchitectureTest {
    static final String[] CORE = {"dev.nscope.host..", "dev.nscope.proc..", "dev.nscope.cgroup..", "dev.nscope.container..",
            "dev.nscope.pid1..", "dev.nscope.scan..", "dev.nscope.rules..", "dev.nscope.text.."};
    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nscope");

    @Test
    void coreHasNoFrameworkDependencies() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..", "io.prometheus..",
                        "tools.jackson..", "com.fasterxml.jackson..", "jakarta.servlet..")
                .check(MAIN);
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
        slices().matching("dev.nscope.(host|proc|cgroup|container|pid1|scan|rules|text)..").should().beFreeOfCycles().check(MAIN);
    }

    /** The adapters share settings and the snapshot store through packages of their own, not through each other. */
    @Test
    void noPackageIsInACycle() {
        slices().matching("dev.nscope.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
