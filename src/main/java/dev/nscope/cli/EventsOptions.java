package dev.nscope.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The options of {@code nscope events}: which agent, from which event on, whether to follow, how to print.
 *
 * @param url    the agent's base URL (its {@code /actuator/containers/events} is asked)
 * @param since  print the events after this number (0: every event the ring keeps)
 * @param follow keep asking for new events, every {@link #interval}, until interrupted
 * @param json   the served JSON instead of a table (with {@code follow}: one event per line)
 * @param user   the basic auth user, its password from {@value #PASSWORD_VARIABLE}; null for none
 * @param interval time between two asks when following
 */
public record EventsOptions(URI url, long since, boolean follow, boolean json, String user, Duration interval) {
    public static final String DEFAULT_URL = "http://127.0.0.1:9810";
    public static final String PASSWORD_VARIABLE = "NSCOPE_PASSWORD";
    static final Duration INTERVAL = Duration.ofSeconds(2);
    /** The options that take a value, given after '=' or as the next argument. */
    static final Set<String> WITH_VALUE = Set.of("--url", "--since", "--user");

    /** The options of {@code args}, the command word at {@code at} left out. */
    static EventsOptions parse(String[] args, int at) throws UsageException {
        URI url = null;
        Long since = null;
        boolean follow = false;
        boolean json = false;
        String user = null;
        for (int i = 0; i < args.length; i++) {
            if (i == at) {
                continue;
            }
            String a = args[i];
            if (!a.startsWith("-")) {
                throw new UsageException("unexpected argument '" + a + "'", CommandLine.Mode.EVENTS);
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = null;
            if (WITH_VALUE.contains(name)) {
                value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length && i + 1 != at ? args[++i] : null;
                if (value == null || value.isEmpty()) {
                    throw new UsageException(name + " needs a value", CommandLine.Mode.EVENTS);
                }
            } else if (a.contains("=")) {
                throw new UsageException(name.equals("--follow") || name.equals("-f") || name.equals("--json")
                        ? name + " takes no value" : "unknown option '" + a + "' for events", CommandLine.Mode.EVENTS);
            }
            switch (name) {
                case "--url" -> url = once(name, url, url(value));
                case "--since" -> since = once(name, since, since(value));
                case "--user" -> user = once(name, user, value);
                case "--follow", "-f" -> follow = true;
                case "--json" -> json = true;
                default -> throw new UsageException("unknown option '" + a + "' for events", CommandLine.Mode.EVENTS);
            }
        }
        return new EventsOptions(url == null ? URI.create(DEFAULT_URL) : url, since == null ? 0 : since, follow, json, user, INTERVAL);
    }

    private static URI url(String value) throws UsageException {
        try {
            URI u = new URI(value);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getRawQuery() == null
                    && u.getRawFragment() == null && u.getRawUserInfo() == null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // below
        }
        throw new UsageException("--url must be an http or https URL of the agent, like " + DEFAULT_URL + " (got '" + value + "')",
                CommandLine.Mode.EVENTS);
    }

    private static long since(String value) throws UsageException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--since must be an event number, 0 or more (got '" + value + "')", CommandLine.Mode.EVENTS);
    }

    private static <T> T once(String option, T before, T value) throws UsageException {
        if (before != null) {
            throw new UsageException(option + " is given twice", CommandLine.Mode.EVENTS);
        }
        return value;
    }

    /** The events endpoint for the events after {@code seq}. */
    URI eventsAfter(long seq) {
        String base = url.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/actuator/containers/events" + (seq > 0 ? "?since=" + seq : ""));
    }
}
