package dev.nscope.settings;

import dev.nscope.rules.RuleCatalog;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties as Spring binds and validates them at start: the defaults of the README, and for each
 * bad value the one line a user reads ({@link ConfigurationProblem}). CommandExitTest checks a few of
 * these lines again through the real command line, with exit status 2.
 */
class NscopePropertiesTest {
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(NscopeProperties.class)
    static class Bound {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    /** The problem line for these properties, or null when they bind and validate. */
    private String problem(String... properties) {
        String[] line = new String[1];
        runner.withPropertyValues(properties).run(ctx -> line[0] = ctx.getStartupFailure() == null ? null
                : ConfigurationProblem.of(ctx.getStartupFailure()));
        return line[0];
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        runner.run(ctx -> {
            NscopeProperties p = ctx.getBean(NscopeProperties.class);
            assertThat(p.procfs()).isEqualTo(Path.of("/proc"));
            assertThat(p.sysfs()).isEqualTo(Path.of("/sys"));
            assertThat(p.scanInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.pid1().zombieGrace()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.runtime().dockerRoot()).isEqualTo(Path.of("/var/lib/docker"));
            assertThat(p.runtime().containerdState()).isEqualTo(Path.of("/run/containerd"));
            assertThat(p.runtime().containersStorage())
                    .containsExactly(Path.of("/run/containers/storage"), Path.of("/var/lib/containers/storage"));
            assertThat(p.runtime().userRuntimeDir()).isEqualTo(Path.of("/run/user"));
            assertThat(p.rules().disabled()).isEmpty();
            assertThat(p.rules().memoryNearLimit()).isEqualTo(0.9);
            assertThat(p.rules().pidsNearLimit()).isEqualTo(0.9);
            assertThat(p.rules().cpuThrottled()).isEqualTo(0.25);
            assertThat(p.history().points()).isEqualTo(120);
            assertThat(p.web().commandLines()).isFalse();
            assertThat(p.web().configFile()).isNull();
            assertThat(p.rules().fdsNearLimit()).isEqualTo(0.9);
            assertThat(p.rules().pressure()).isEqualTo(25.0);
            assertThat(p.metrics().extraLabels()).isEmpty();
        });
    }

    @Test
    void extraLabelsAreOnesThatExistAndTheNewThresholdsAreInRange() {
        assertThat(problem("nscope.metrics.extra-labels=image,pod_uid")).isNull();
        assertThat(problem("nscope.metrics.extra-labels=image,secret"))
                .isEqualTo("nscope.metrics.extra-labels: unknown label 'secret' (known: image, cgroup_path, pod_uid)");
        assertThat(problem("nscope.rules.fds-near-limit=1.5"))
                .isEqualTo("nscope.rules.fds-near-limit must be a share in (0, 1] (got 1.5)");
        assertThat(problem("nscope.rules.pressure=0"))
                .isEqualTo("nscope.rules.pressure must be a percentage in (0, 100] (got 0.0)");
    }

    @Test
    void goodValuesBindAndKeepTheirOrder() {
        runner.withPropertyValues("nscope.scan-interval=100ms", "nscope.pid1.zombie-grace=0s", "nscope.history.points=10000",
                "nscope.rules.disabled=host-user-namespace,cpu-throttled", "nscope.rules.cpu-throttled=1",
                "nscope.runtime.containers-storage=/a,/b", "nscope.web.command-lines=true").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    NscopeProperties p = ctx.getBean(NscopeProperties.class);
                    assertThat(p.scanInterval()).isEqualTo(Duration.ofMillis(100));
                    assertThat(p.rules().disabled()).containsExactly("host-user-namespace", "cpu-throttled");
                    assertThat(p.runtime().containersStorage()).containsExactly(Path.of("/a"), Path.of("/b"));
                    assertThat(p.web().commandLines()).isTrue();
                });
    }

    @Test
    void theScanIntervalIsPositiveAndAtLeast100ms() {
        assertThat(problem("nscope.scan-interval=0s")).isEqualTo("nscope.scan-interval must be positive (got PT0S)");
        assertThat(problem("nscope.scan-interval=-1s")).isEqualTo("nscope.scan-interval must be positive (got PT-1S)");
        assertThat(problem("nscope.scan-interval=50ms")).isEqualTo("nscope.scan-interval must be at least 100ms (got PT0.05S)");
    }

    @Test
    void aValueThatDoesNotParseIsNamedWithTheTypeItShouldHave() {
        assertThat(problem("nscope.scan-interval=often"))
                .isEqualTo("invalid value for nscope.scan-interval ('often'): expected Duration ('often' is not a valid duration)");
        assertThat(problem("nscope.history.points=many"))
                .isEqualTo("invalid value for nscope.history.points ('many'): expected int (For input string: \"many\")");
        assertThat(problem("nscope.web.command-lines=maybe"))
                .isEqualTo("invalid value for nscope.web.command-lines ('maybe'): expected boolean (Invalid boolean value 'maybe')");
    }

    @Test
    void theZombieGraceIsNotNegative() {
        assertThat(problem("nscope.pid1.zombie-grace=-1s")).isEqualTo("nscope.pid1.zombie-grace must not be negative (got PT-1S)");
    }

    @Test
    void historyPointsAreBetween2And10000() {
        assertThat(problem("nscope.history.points=1")).isEqualTo("nscope.history.points must be between 2 and 10000 (got 1)");
        assertThat(problem("nscope.history.points=10001")).isEqualTo("nscope.history.points must be between 2 and 10000 (got 10001)");
    }

    @Test
    void disabledRulesAreRulesOfTheCatalog() {
        assertThat(problem("nscope.rules.disabled=host-user-namespace,no-such-rule")).isEqualTo(
                "nscope.rules.disabled: unknown rule 'no-such-rule' (known: " + String.join(", ", RuleCatalog.ALL) + ")");
        for (String id : RuleCatalog.ALL) {
            assertThat(problem("nscope.rules.disabled=" + id)).as(id).isNull();
        }
    }

    @Test
    void thresholdsAreSharesInZeroToOne() {
        assertThat(problem("nscope.rules.memory-near-limit=1.5"))
                .isEqualTo("nscope.rules.memory-near-limit must be a share in (0, 1] (got 1.5)");
        assertThat(problem("nscope.rules.pids-near-limit=0")).isEqualTo("nscope.rules.pids-near-limit must be a share in (0, 1] (got 0.0)");
        assertThat(problem("nscope.rules.cpu-throttled=-0.1")).isEqualTo("nscope.rules.cpu-throttled must be a share in (0, 1] (got -0.1)");
    }

    @Test
    void anEmptyValueKeepsTheDefaultAndAnEmptyEntryIsRefused() {
        runner.withPropertyValues("nscope.procfs=", "nscope.scan-interval=").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(NscopeProperties.class).procfs()).isEqualTo(Path.of("/proc"));
            assertThat(ctx.getBean(NscopeProperties.class).scanInterval()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(problem("nscope.runtime.containers-storage=/a,,/b")).isEqualTo("nscope.runtime.containers-storage has an empty entry");
        assertThat(problem("nscope.rules.disabled=cpu-throttled,,oom-killed")).startsWith("nscope.rules.disabled: unknown rule ''");
    }

    @Test
    void severalBadValuesGiveOneLineAlwaysTheSame() {
        List<String> lines = List.of(problem("nscope.history.points=1", "nscope.scan-interval=0s", "nscope.rules.cpu-throttled=2"),
                problem("nscope.rules.cpu-throttled=2", "nscope.scan-interval=0s", "nscope.history.points=1"));
        assertThat(lines).doesNotContainNull().allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        assertThat(lines.get(0)).isEqualTo(lines.get(1));
    }
}
