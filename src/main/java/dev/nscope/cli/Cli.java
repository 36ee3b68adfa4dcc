package dev.nscope.cli;

import dev.nscope.scan.Scanner;
import dev.nscope.settings.ConfigurationProblem;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.settings.ScanSettings;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.PrintStream;
import java.util.Map;

/**
 * Runs a one-shot command ({@code scan}, {@code bench}) in a Spring context without a web server, so
 * properties bind exactly as for the agent. Errors are one line on stderr: exit 2 for configuration,
 * 1 for anything else.
 */
public final class Cli {
    private Cli() {
    }

    public static int run(Class<?> application, CommandLine cl, PrintStream out, PrintStream err) {
        SpringApplicationBuilder b = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                // stdout is the command's output: no log lines there; failures are one line on stderr
                .properties(Map.of("logging.level.root", "OFF"));
        ConfigurableApplicationContext ctx;
        try {
            ctx = b.run(cl.springArgs().toArray(String[]::new));
        } catch (RuntimeException e) {
            if (ConfigurationProblem.of(e) != null) {
                // a value the properties' constraints refuse: already printed on one line by the failure
                // reporter (settings.OneLineFailureReporter), as for the agent
                return 2;
            }
            err.println("nscope: " + e);
            return 1;
        }
        try (ctx) {
            Scanner scanner = ctx.getBean(Scanner.class);
            NscopeProperties props = ctx.getBean(NscopeProperties.class);
            return switch (cl.mode()) {
                case SCAN -> new ScanCommand(scanner, props.pid1().zombieGrace()).run(cl.format(), out);
                case BENCH -> new BenchCommand(() -> ScanSettings.scanner(props)).run(cl.passes(), out);
                default -> throw new IllegalStateException(cl.mode().name());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("nscope: interrupted");
            return 1;
        } catch (RuntimeException e) {
            String config = ConfigurationProblem.of(e);
            if (config != null) {
                err.println("nscope: " + config);
                return 2;
            }
            err.println("nscope: " + e);
            return 1;
        }
    }
}
