package dev.nscope.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent in a process of its own (the real {@code main}, signals and exit status included), with its
 * output kept in files for the assertion messages. {@link #close()} kills it if it still runs.
 */
public final class AgentProcess implements AutoCloseable {
    /** Test JVMs start faster without the optimising compiler; the agent's behaviour does not change. */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    public final Process process;
    public final int port;
    private final Path out;
    private final Path err;

    private AgentProcess(Process process, int port, Path out, Path err) {
        this.process = process;
        this.port = port;
        this.out = out;
        this.err = err;
    }

    /** A port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code prefix… java … NscopeApplication --server.port=<free> args…}. */
    public static AgentProcess start(List<String> prefix, String... args) throws IOException {
        return start(prefix, List.of(), args);
    }

    /** Starts {@code prefix… java jvmOptions… NscopeApplication --server.port=<free> args…}. */
    public static AgentProcess start(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
        int port = freePort();
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--server.port=" + port);
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.addAll(jvmOptions);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Live.nscopeCommand(jvm, a.toArray(String[]::new)));
        Path out = Files.createTempFile("nscope-agent-out", ".txt");
        Path err = Files.createTempFile("nscope-agent-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new AgentProcess(p, port, out, err);
    }

    public static AgentProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Waits until {@code url} answers 200; fails with the agent's output when it does not, or exits. */
    public void awaitUp(HttpClient client, String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("agent exited with " + process.exitValue() + " before it served " + url + "\n" + output());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("agent did not serve " + url + " within " + timeout + " (" + last + ")\n" + output());
    }

    public String stdout() throws IOException {
        return Files.readString(out);
    }

    public String stderr() throws IOException {
        return Files.readString(err);
    }

    public String output() throws IOException {
        return "--- stdout\n" + tail(stdout()) + "--- stderr\n" + tail(stderr());
    }

    private static String tail(String s) {
        return s.length() > 6000 ? "…" + s.substring(s.length() - 6000) : s;
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }
}
