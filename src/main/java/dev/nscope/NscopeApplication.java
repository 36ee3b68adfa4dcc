package dev.nscope;

import dev.nscope.cli.Cli;
import dev.nscope.cli.CommandLine;
import dev.nscope.cli.UsageException;
import dev.nscope.settings.ConfigurationProblem;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * nscope: without a command, the agent (background scans, {@code /actuator/containers},
 * {@code /actuator/prometheus}, {@code /actuator/health}); {@code scan} and {@code bench} are one-shot
 * commands that start no web server. See {@link CommandLine#USAGE}.
 */
@SpringBootApplication
public class NscopeApplication {

    public static void main(String[] args) {
        StopWatchdog.install();
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (UsageException e) {
            System.err.println("nscope: " + e.getMessage() + "; see 'nscope help'");
            System.exit(2);
            return;
        }
        switch (cl.mode()) {
            case HELP -> {
                System.out.println(CommandLine.USAGE);
                System.exit(0);
            }
            case SCAN, BENCH -> System.exit(Cli.run(NscopeApplication.class, cl, System.out, System.err));
            default -> {
                try {
                    SpringApplication.run(NscopeApplication.class, args);
                } catch (RuntimeException e) {
                    // already reported on one line by OneLineFailureReporter
                    System.exit(ConfigurationProblem.of(e) != null ? 2 : 1);
                }
            }
        }
    }
}
