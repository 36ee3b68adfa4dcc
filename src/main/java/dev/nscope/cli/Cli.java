package dev.nscope.cli;

import dev.nscope.settings.ConfigurationProblem;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.settings.PropertiesCheck;
import dev.nscope.settings.QuietLogging;
import dev.nscope.settings.ScanSettings;

import java.io.PrintStream;

/**
 * Runs a one-shot command ({@code scan}, {@code bench}, {@code events}) without a Spring context: the {@code nscope.*}
 * properties are bound from the same sources as the agent's ({@link PropertiesCheck}: the command line, the
 * environment, {@code application.properties}) and checked by the same constraints, and the scanner is made
 * from them as the agent makes it. No log line is written (stdout is the command's output). Errors are one
 * line on stderr: exit 2 for configuration, 1 for anything else.
 */
public final class Cli {
    private Cli() {
    }

    /** @param application the application class; kept for callers of the time the commands ran in a context */
    public static int run(Class<?> application, CommandLine cl, PrintStream out, PrintStream err) {
        try (QuietLogging quiet = QuietLogging.start()) {
            if (cl.mode() == CommandLine.Mode.EVENTS) {
                // an HTTP client of a running agent: no property of the host is needed
                return new EventsCommand(cl.events(), System::getenv).run(out, err);
            }
            NscopeProperties props = PropertiesCheck.bind(cl.springArgs().toArray(String[]::new));
            return switch (cl.mode()) {
                case SCAN -> new ScanCommand(ScanSettings.scanner(props), props.pid1().zombieGrace()).run(cl, out, err);
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
