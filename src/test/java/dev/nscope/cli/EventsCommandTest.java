package dev.nscope.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code nscope events}: its options, and the command against a real HTTP server answering as the agent does. */
class EventsCommandTest {
    static final String TWO = """
            {"events":[{"seq":1,"time":"2025-06-01T10:00:00Z","type":"started","id":"%s","name":"web","runtime":"containerd",
            "kubernetes":{"podUid":"u","podName":"web-0","namespace":"shop","container":"web"},"pid1":{"hostPid":4242,"comm":"nginx"},
            "exitCode":null,"exitSignal":null,"outcome":null,"confirms":[],"lifetimeSeconds":null},
            {"seq":2,"time":"2025-06-01T10:05:00Z","type":"stopped","id":"%s","name":"web\\u001b[31m","runtime":"containerd",
            "kubernetes":null,"pid1":{"hostPid":4242,"comm":"nginx"},"exitCode":null,"exitSignal":"SIGKILL","outcome":"killed",
            "confirms":["pid1-sigterm-dropped"],"lifetimeSeconds":300.5}]}""".formatted("a".repeat(64), "a".repeat(64));

    HttpServer server;
    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();
    volatile int status = 200;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/actuator/containers/events", x -> {
            asked.add(x.getRequestURI().toString());
            String a = x.getRequestHeaders().getFirst("Authorization");
            auth.add(a == null ? "-" : a);
            String q = x.getRequestURI().getQuery();
            byte[] body = (q == null ? TWO : q.equals("since=1") ? TWO.replaceFirst("(?s)\\{\"seq\":1.*?null},\\s*", "") : "{\"events\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, status == 200 ? body.length : -1);
            if (status == 200) {
                x.getResponseBody().write(body);
            }
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    record Run(int exit, String out, String err) {
    }

    Run run(Map<String, String> env, String... args) throws Exception {
        CommandLine cl = CommandLine.parse(args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new EventsCommand(cl.events(), env::get).run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theOptions() throws UsageException {
        EventsOptions d = CommandLine.parse(new String[] {"events"}).events();
        assertThat(d.url()).isEqualTo(URI.create("http://127.0.0.1:9810"));
        assertThat(d.since()).isZero();
        assertThat(d.follow()).isFalse();
        assertThat(d.json()).isFalse();
        assertThat(d.user()).isNull();
        EventsOptions o = CommandLine.parse(new String[] {"events", "--url", "https://node-1:9810/", "--since=7", "-f", "--json",
                "--user=bob"}).events();
        assertThat(o.url()).isEqualTo(URI.create("https://node-1:9810/"));
        assertThat(o.eventsAfter(7)).isEqualTo(URI.create("https://node-1:9810/actuator/containers/events?since=7"));
        assertThat(o.eventsAfter(0)).isEqualTo(URI.create("https://node-1:9810/actuator/containers/events"));
        assertThat(o.since()).isEqualTo(7);
        assertThat(o.follow()).isTrue();
        assertThat(o.json()).isTrue();
        assertThat(o.user()).isEqualTo("bob");
        // the command word may come after its options
        assertThat(CommandLine.parse(new String[] {"--url", "http://x:1", "events"}).events().url()).isEqualTo(URI.create("http://x:1"));
        assertThat(CommandLine.parse(new String[] {"events", "--help"}).helpFor()).isEqualTo(CommandLine.Mode.EVENTS);
        assertThat(CommandLine.parse(new String[] {"help", "events"}).helpFor()).isEqualTo(CommandLine.Mode.EVENTS);
        assertThat(Usage.of(CommandLine.Mode.EVENTS)).contains("--follow", "--since=N", "NSCOPE_PASSWORD");
        assertThat(Usage.of(CommandLine.Mode.AGENT)).contains("nscope events");
    }

    @Test
    void mistakesAreUsageErrorsWithTheEventsUsage() {
        for (String[] args : List.of(new String[] {"events", "--format=json"}, new String[] {"events", "--nscope.procfs=/x"},
                new String[] {"events", "extra"}, new String[] {"events", "--since=-1"}, new String[] {"events", "--since=soon"},
                new String[] {"events", "--url=ftp://x"}, new String[] {"events", "--url=http://u:p@x:1"},
                new String[] {"events", "--url"}, new String[] {"events", "--follow=yes"},
                new String[] {"events", "--since=1", "--since=2"})) {
            assertThatThrownBy(() -> CommandLine.parse(args)).as(String.join(" ", args)).isInstanceOfSatisfying(UsageException.class,
                    e -> assertThat(e.line()).endsWith("usage: nscope events [--url=URL] [--since=N] [--follow] [--json] [--user=NAME] "
                            + "(see 'nscope events --help')").doesNotContain("\n"));
        }
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--follow"})).hasMessageContaining("--follow needs a command (nscope events");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"evnets"}))
                .hasMessageContaining("(expected scan, bench, events, version or help)");
    }

    @Test
    void printsATableWithEveryCellHarmless() throws Exception {
        Run r = run(Map.of(), "events", "--url=" + url());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("SEQ").contains("TIME", "TYPE", "NAME", "ID", "RUNTIME", "POD", "PID1", "OUTCOME", "EXIT",
                "LIFETIME", "CONFIRMS");
        assertThat(lines.get(1)).startsWith("1 ").contains("started", "web", "aaaaaaaaaaaa ", "containerd", "shop/web-0", "4242 nginx");
        assertThat(lines.get(2)).startsWith("2 ").contains("stopped", "killed", "SIGKILL", "300.5s", "pid1-sigterm-dropped")
                .contains("web\\e[31m").doesNotContain("\u001b");
        assertThat(asked).containsExactly("/actuator/containers/events");
        assertThat(auth).containsExactly("-");
    }

    @Test
    void jsonIsTheServedDocumentAndSinceIsAsked() throws Exception {
        Run r = run(Map.of(), "events", "--url=" + url(), "--json", "--since=1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("{\"events\":[").contains("\"seq\":2").doesNotContain("\"seq\":1,");
        assertThat(asked).containsExactly("/actuator/containers/events?since=1");
    }

    @Test
    void basicAuthFromTheEnvironment() throws Exception {
        Run r = run(Map.of("NSCOPE_PASSWORD", "s3cret"), "events", "--url=" + url(), "--user=bob");
        assertThat(r.exit()).isZero();
        assertThat(auth).containsExactly("Basic " + java.util.Base64.getEncoder().encodeToString("bob:s3cret".getBytes(StandardCharsets.UTF_8)));
        Run none = run(Map.of(), "events", "--url=" + url(), "--user=bob");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("nscope: --user needs the password in the environment variable NSCOPE_PASSWORD\n");
    }

    @Test
    void refusalsAndAnAbsentAgentAreOneLineAndExit1() throws Exception {
        status = 401;
        Run r = run(Map.of(), "events", "--url=" + url());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("nscope: the agent at " + url() + " asks for a password (401): --user NAME with NSCOPE_PASSWORD\n");
        assertThat(r.out()).isEmpty();
        status = 404;
        assertThat(run(Map.of(), "events", "--url=" + url()).err()).contains("has no events endpoint (404");
        String gone = url();
        server.stop(0);
        Run down = run(Map.of(), "events", "--url=" + gone);
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).startsWith("nscope: cannot reach the agent at " + gone).doesNotContain("\n\n").endsWith(")\n");
        assertThat(down.err().lines()).hasSize(1);
    }

    @Test
    void followAsksForWhatCameAfterTheLastEventPrinted() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"events", "--url=" + url(), "--follow"});
        EventsOptions fast = new EventsOptions(cl.events().url(), 0, true, false, null, java.time.Duration.ofMillis(50));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                new EventsCommand(fast, k -> null).run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            } catch (InterruptedException e) {
                // stopped
            }
        });
        t.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (asked.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        t.interrupt();
        t.join(2000);
        assertThat(asked.subList(0, 4)).containsExactly("/actuator/containers/events", "/actuator/containers/events?since=2",
                "/actuator/containers/events?since=2", "/actuator/containers/events?since=2");
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("SEQ")).count()).as("one header").isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().count()).isEqualTo(3);
    }
}
