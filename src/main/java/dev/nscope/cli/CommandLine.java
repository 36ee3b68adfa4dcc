package dev.nscope.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code nscope [scan [--format=json|table] | bench [--passes=N] | help] [--nscope.x=y …]}.
 * Without a command it runs the agent. Options of the form {@code --a.b=c} are Spring properties and
 * are handed to Spring; a command rejects options it does not know instead of ignoring a typo.
 */
public record CommandLine(Mode mode, Format format, int passes, List<String> springArgs) {

    public enum Mode { AGENT, SCAN, BENCH, HELP }

    public enum Format { TABLE, JSON }

    private static final List<String> PROPERTY_PREFIXES = List.of("--nscope.", "--server.", "--management.",
            "--logging.", "--spring.", "--debug", "--trace");

    public static final String USAGE = """
            usage: nscope                              run the agent (HTTP on port 9810: /actuator/containers, /actuator/prometheus, /actuator/health)
                   nscope scan [--format=table|json]   scan this host once, print the containers, exit
                   nscope bench [--passes=N]           time cold and steady scan passes over this host
                   nscope help                         this text
            properties (all modes): --nscope.procfs=/proc --nscope.sysfs=/sys --nscope.scan-interval=10s
                   --nscope.pid1.zombie-grace=5s --nscope.runtime.docker-root=/var/lib/docker … (or NSCOPE_* variables)
            agent only: --server.address=0.0.0.0 --server.port=9810 --nscope.web.config-file=/etc/nscope/web.yml (TLS, basic auth)
                   --nscope.web.command-lines=false (true adds process command lines to /actuator/containers/{id})
            exit status: 0 ok, 2 bad command line or configuration, 1 other failure""";

    public static CommandLine parse(String[] args) throws UsageException {
        Mode mode = Mode.AGENT;
        Format format = Format.TABLE;
        int passes = 10;
        List<String> spring = new ArrayList<>();
        String commandOption = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h") || a.equals("help")) {
                return new CommandLine(Mode.HELP, format, passes, List.of());
            }
            if (!a.startsWith("-")) {
                if (mode != Mode.AGENT) {
                    throw new UsageException("unexpected argument '" + a + "'");
                }
                mode = switch (a) {
                    case "scan" -> Mode.SCAN;
                    case "bench" -> Mode.BENCH;
                    default -> throw new UsageException("unknown command '" + a + "' (expected scan, bench or help)");
                };
                continue;
            }
            if (a.equals("--format") || a.startsWith("--format=")) {
                commandOption = "--format";
                String v = a.equals("--format") ? (i + 1 < args.length ? args[++i] : "") : a.substring("--format=".length());
                format = switch (v) {
                    case "json" -> Format.JSON;
                    case "table" -> Format.TABLE;
                    default -> throw new UsageException("unknown format '" + v + "' (expected json or table)");
                };
                continue;
            }
            if (a.startsWith("--passes=")) {
                commandOption = "--passes";
                try {
                    passes = Integer.parseInt(a.substring("--passes=".length()));
                } catch (NumberFormatException e) {
                    passes = -1;
                }
                if (passes < 2 || passes > 10_000) {
                    throw new UsageException("--passes must be a number from 2 to 10000");
                }
                continue;
            }
            spring.add(a);
        }
        if (mode == Mode.AGENT && commandOption != null) {
            throw new UsageException(commandOption + " needs a command (nscope scan " + commandOption + "=…)");
        }
        if (mode == Mode.AGENT) {
            // the agent hands every option to Spring, as any Spring Boot application does
            return new CommandLine(mode, format, passes, List.of(args));
        }
        for (String a : spring) {
            if (PROPERTY_PREFIXES.stream().noneMatch(a::startsWith)) {
                throw new UsageException("unknown option '" + a + "' for " + mode.name().toLowerCase());
            }
        }
        return new CommandLine(mode, format, passes, List.copyOf(spring));
    }
}
