package dev.nscope;

import dev.nscope.cli.Cli;
import dev.nscope.cli.CommandLine;
import dev.nscope.cli.Usage;
import dev.nscope.cli.UsageException;
import dev.nscope.settings.BuildInfo;
import dev.nscope.settings.ConfigurationProblem;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.settings.PropertiesCheck;
import dev.nscope.web.WebConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.io.File;
import java.nio.file.Path;

/**
 * nscope: without a command, the agent (background scans, {@code /actuator/containers},
 * {@code /actuator/prometheus}, {@code /actuator/health}); {@code scan} and {@code bench} are one-shot
 * commands that start no Spring context ({@link Cli}); {@code version} and {@code help} start nothing. See
 * {@link CommandLine#USAGE}. Before the agent's context starts, the command line is parsed and the
 * {@code nscope.*} properties and the web config file are checked, so a mistake is one line and exit 2 at once.
 */
@SpringBootApplication
public class NscopeApplication {

    public static void main(String[] args) {
        StopWatchdog.install();
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (UsageException e) {
            System.err.println("nscope: " + e.line());
            System.exit(2);
            return;
        }
        switch (cl.mode()) {
            case HELP -> {
                System.out.println(Usage.of(cl.helpFor()));
                System.exit(0);
            }
            case VERSION -> {
                System.out.println(BuildInfo.current().line());
                System.exit(0);
            }
            default -> {
            }
        }
        Path temp = AgentTempDir.use();
        if (cl.mode() == CommandLine.Mode.SCAN || cl.mode() == CommandLine.Mode.BENCH || cl.mode() == CommandLine.Mode.EVENTS) {
            // no context: the command checks its properties itself, the same way
            System.exit(Cli.run(NscopeApplication.class, cl, System.out, System.err));
            return;
        }
        String problem = checkConfiguration(cl);
        if (problem != null) {
            System.err.println("nscope: " + problem);
            System.exit(2);
            return;
        }
        try {
            SpringApplication app = new SpringApplication(NscopeApplication.class);
            app.setDefaultProperties(AgentTempDir.springDefaults(temp));
            app.run(args);
        } catch (RuntimeException e) {
            // already reported on one line by OneLineFailureReporter
            System.exit(ConfigurationProblem.of(e) != null ? 2 : 1);
        }
    }

    /**
     * Tomcat's document root beside its base directory when that is set (the agent's temp directory, see
     * {@link AgentTempDir}): otherwise Tomcat makes a {@code tomcat-docbase.*} directory of its own under
     * {@code /tmp} at every start. It stays empty: nscope serves its page from the class path.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> nscopeDocumentRoot(Environment env) {
        return factory -> {
            String base = env.getProperty("server.tomcat.basedir");
            if (base != null && !base.isBlank()) {
                File docs = new File(base, "docbase");
                if (docs.isDirectory() || docs.mkdirs()) {
                    factory.setDocumentRoot(docs);
                }
            }
        };
    }

    /**
     * The one line of a configuration problem found before Spring starts, or null. Only problems the context
     * would report the same way are reported here; anything else is left to the context's own start.
     */
    static String checkConfiguration(CommandLine cl) {
        try {
            NscopeProperties p = PropertiesCheck.bind(cl.springArgs().toArray(String[]::new));
            if (cl.mode() == CommandLine.Mode.AGENT && p.web().configFile() != null) {
                WebConfig.load(p.web().configFile());
            }
            return null;
        } catch (RuntimeException e) {
            return ConfigurationProblem.of(e);
        }
    }
}
