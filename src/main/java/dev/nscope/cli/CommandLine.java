package dev.nscope.cli;

import dev.nscope.container.Runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The command line: {@code nscope [scan [options] | bench [--passes=N] | events [options] | version | help [command]] [--nscope.x=y …]}.
 * Without a command it runs the agent. Options of the form {@code --a.b=c} are Spring properties and are
 * handed to Spring; anything else nscope does not know is a usage error (exit 2), never ignored, so a typo
 * is caught. A value may follow its option after '=' or as the next argument.
 *
 * @param mode       what to run
 * @param format     scan's output
 * @param passes     bench's passes
 * @param springArgs the Spring properties given ({@code --nscope.procfs=…}); the agent gets every argument
 * @param helpFor    with {@link Mode#HELP}: the command whose help is asked for ({@link Mode#AGENT}: the general one)
 * @param filter     which containers scan prints
 * @param headers    whether scan's table has its header line
 * @param events     with {@link Mode#EVENTS}: its options ({@link EventsOptions}, which parses them); null otherwise
 */
public record CommandLine(Mode mode, Format format, int passes, List<String> springArgs, Mode helpFor, ScanFilter filter,
                          boolean headers, EventsOptions events) {

    public enum Mode { AGENT, SCAN, BENCH, HELP, VERSION, EVENTS }

    public enum Format { TABLE, JSON }

    /** The general help; each command's own is {@link Usage#of}. */
    public static final String USAGE = Usage.GENERAL;

    private static final List<String> PROPERTY_PREFIXES = List.of("--nscope.", "--server.", "--management.",
            "--logging.", "--spring.", "--debug", "--trace");
    /** Options whose value may come as the next argument. */
    private static final Set<String> WITH_VALUE = Set.of("--format", "--runtime", "--namespace", "-n", "--container", "--passes",
            "--url", "--since", "--user");
    private static final Set<String> EVENTS_ONLY = Set.of("--url", "--since", "--user", "--follow", "-f", "--json");
    private static final Set<String> SCAN_ONLY = Set.of("--format", "--runtime", "--namespace", "-n", "--container", "--no-headers");

    public static CommandLine parse(String[] args) throws UsageException {
        int at = commandAt(args);
        Mode mode = at < 0 ? Mode.AGENT : command(args[at]);
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            return help(mode == Mode.HELP ? Mode.AGENT : mode);
        }
        if (mode == Mode.HELP) {
            return help(at + 1 < args.length ? topic(args, at + 1) : Mode.AGENT);
        }
        if (mode == Mode.EVENTS) {
            return new CommandLine(mode, Format.TABLE, 10, List.of(), Mode.AGENT, ScanFilter.ALL, true, EventsOptions.parse(args, at));
        }
        Format format = Format.TABLE;
        int passes = 10;
        String runtime = null;
        String namespace = null;
        String container = null;
        boolean headers = true;
        boolean version = false;
        List<String> spring = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (i == at) {
                continue;
            }
            String a = args[i];
            if (!a.startsWith("-")) {
                throw new UsageException("unexpected argument '" + a + "'", mode);
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (mode == Mode.AGENT && (SCAN_ONLY.contains(name) || name.equals("--passes") || EVENTS_ONLY.contains(name))) {
                String command = name.equals("--passes") ? "bench" : EVENTS_ONLY.contains(name) ? "events" : "scan";
                throw new UsageException(name + " needs a command (nscope " + command + " " + name + "=…)", Mode.AGENT);
            }
            if (mode == Mode.SCAN && SCAN_ONLY.contains(name) || mode == Mode.BENCH && name.equals("--passes")) {
                String value = null;
                if (WITH_VALUE.contains(name)) {
                    value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length && i + 1 != at ? args[++i] : null;
                    if (value == null || value.isEmpty()) {
                        throw new UsageException(name + " needs a value", mode);
                    }
                } else if (a.contains("=")) {
                    throw new UsageException(name + " takes no value", mode);
                }
                switch (name) {
                    case "--format" -> format = switch (value) {
                        case "json" -> Format.JSON;
                        case "table" -> Format.TABLE;
                        default -> throw new UsageException("unknown format '" + value + "' (expected json or table)", mode);
                    };
                    case "--runtime" -> runtime = once(name, runtime, runtime(value));
                    case "--namespace", "-n" -> namespace = once("--namespace", namespace, value);
                    case "--container" -> container = once(name, container, value);
                    case "--no-headers" -> headers = false;
                    case "--passes" -> passes = passes(value);
                    default -> throw new IllegalStateException(name);
                }
                continue;
            }
            if (mode == Mode.AGENT && (a.equals("--version") || a.equals("-V"))) {
                version = true;
                continue;
            }
            if (mode == Mode.AGENT ? !springProperty(a) : PROPERTY_PREFIXES.stream().noneMatch(a::startsWith) || mode == Mode.VERSION) {
                throw new UsageException("unknown option '" + a + "'" + (mode == Mode.AGENT ? "" : " for " + name(mode)), mode);
            }
            spring.add(a);
        }
        if (version) {
            return new CommandLine(Mode.VERSION, format, passes, List.of(), Mode.AGENT, ScanFilter.ALL, headers, null);
        }
        // the agent hands every argument to Spring, as any Spring Boot application does
        List<String> springArgs = mode == Mode.AGENT ? List.of(args) : List.copyOf(spring);
        return new CommandLine(mode, format, passes, springArgs, Mode.AGENT, new ScanFilter(runtime, namespace, container), headers, null);
    }

    /** The name of a command as typed. */
    static String name(Mode mode) {
        return mode.name().toLowerCase();
    }

    private static CommandLine help(Mode topic) {
        return new CommandLine(Mode.HELP, Format.TABLE, 10, List.of(), topic, ScanFilter.ALL, true, null);
    }

    /** Where the command word is: the first argument that is neither an option nor an option's value; -1 for none. */
    private static int commandAt(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                return i;
            }
            if (WITH_VALUE.contains(a)) {
                i++;
            }
        }
        return -1;
    }

    private static Mode command(String word) throws UsageException {
        return switch (word) {
            case "scan" -> Mode.SCAN;
            case "bench" -> Mode.BENCH;
            case "events" -> Mode.EVENTS;
            case "version" -> Mode.VERSION;
            case "help" -> Mode.HELP;
            default -> throw new UsageException("unknown command '" + word + "' (expected scan, bench, events, version or help)", Mode.AGENT);
        };
    }

    /** {@code nscope help <command>}: the command, and nothing after it. */
    private static Mode topic(String[] args, int i) throws UsageException {
        if (i + 1 < args.length) {
            throw new UsageException("unexpected argument '" + args[i + 1] + "'", Mode.HELP);
        }
        Mode m = command(args[i]);
        return m == Mode.HELP ? Mode.AGENT : m;
    }

    /** What Spring takes from a command line: {@code --name=value}, {@code --debug}, {@code --trace}. */
    private static boolean springProperty(String a) {
        int eq = a.indexOf('=');
        return a.equals("--debug") || a.equals("--trace") || a.startsWith("--") && eq > 2;
    }

    private static String runtime(String value) throws UsageException {
        for (Runtime r : Runtime.values()) {
            if (r.label().equals(value)) {
                return value;
            }
        }
        throw new UsageException("unknown runtime '" + value + "' (expected " + String.join(", ",
                Arrays.stream(Runtime.values()).map(Runtime::label).toList()) + ")", Mode.SCAN);
    }

    private static String once(String option, String before, String value) throws UsageException {
        if (before != null) {
            throw new UsageException(option + " is given twice", Mode.SCAN);
        }
        return value;
    }

    private static int passes(String value) throws UsageException {
        int passes;
        try {
            passes = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            passes = -1;
        }
        if (passes < 2 || passes > 10_000) {
            throw new UsageException("--passes must be a number from 2 to 10000", Mode.BENCH);
        }
        return passes;
    }
}
