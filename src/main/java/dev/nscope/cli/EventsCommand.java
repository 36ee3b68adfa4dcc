package dev.nscope.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * {@code nscope events}: asks a running agent for its events ring ({@code /actuator/containers/events}) and prints
 * it, as a table or as JSON; with {@code --follow}, asks again for what came after the last event printed until
 * interrupted. No Spring context, no scan: an HTTP client only. A failure (the agent unreachable, a refusal) is one
 * line on stderr and exit 1; a password is read from {@link EventsOptions#PASSWORD_VARIABLE}, never from the
 * command line (which other users can read in /proc).
 */
final class EventsCommand {
    static final String[] HEADER = {"SEQ", "TIME", "TYPE", "NAME", "ID", "RUNTIME", "POD", "PID1", "OUTCOME", "EXIT", "LIFETIME",
            "CONFIRMS"};
    private static final JsonMapper JSON = new JsonMapper();

    private final EventsOptions options;
    private final Function<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    EventsCommand(EventsOptions options, Function<String, String> env) {
        this.options = options;
        this.env = env;
    }

    /** Exit status: 0, or 1 after a one-line error on {@code err}. */
    int run(PrintStream out, PrintStream err) throws InterruptedException {
        String auth = null;
        if (options.user() != null) {
            String password = env.apply(EventsOptions.PASSWORD_VARIABLE);
            if (password == null) {
                err.println("nscope: --user needs the password in the environment variable " + EventsOptions.PASSWORD_VARIABLE);
                return 2;
            }
            auth = "Basic " + Base64.getEncoder().encodeToString((options.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        long since = options.since();
        boolean header = !options.json();
        while (true) {
            String body;
            try {
                body = fetch(since, auth);
            } catch (IOException e) {
                err.println("nscope: " + e.getMessage());
                return 1;
            }
            JsonNode events = JSON.readTree(body).get("events");
            if (events == null || !events.isArray()) {
                err.println("nscope: " + options.eventsAfter(since) + " did not answer with events");
                return 1;
            }
            if (options.json() && !options.follow()) {
                out.println(body);
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            for (JsonNode e : events) {
                since = Math.max(since, e.get("seq").asLong());
                if (options.json()) {
                    out.println(JSON.writeValueAsString(e));
                } else {
                    rows.add(EventsTable.row(e));
                }
            }
            if (!options.json() && (header || !rows.isEmpty())) {
                out.print(EventsTable.render(header ? HEADER : null, rows));
                header = false;
            }
            out.flush();
            if (!options.follow()) {
                return 0;
            }
            Thread.sleep(options.interval().toMillis());
        }
    }

    private String fetch(long since, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(options.eventsAfter(since)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("cannot reach the agent at " + options.url() + " (connection refused; --url names another)");
        } catch (IOException e) {
            throw new IOException("cannot reach the agent at " + options.url() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        return switch (r.statusCode()) {
            case 200 -> r.body();
            case 401 -> throw new IOException("the agent at " + options.url() + " asks for a password (401): --user NAME with "
                    + EventsOptions.PASSWORD_VARIABLE + (auth == null ? "" : "; the one given was refused"));
            case 404 -> throw new IOException("the agent at " + options.url() + " has no events endpoint (404: an older agent?)");
            default -> throw new IOException("the agent at " + options.url() + " answered " + r.statusCode());
        };
    }
}
