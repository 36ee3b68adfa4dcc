package dev.nscope.deploy;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import dev.nscope.pid1.Arch;
import dev.nscope.pid1.InitIdentifier;
import dev.nscope.pid1.InitKind;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.pid1.Signals;
import dev.nscope.pid1.SigtermVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's steps without Docker ({@link ImageRunIT} runs the built image where there is one):
 * {@code target/nscope.jar} goes
 * through the Dockerfile's own RUN lines (layer extraction, the CDS training run) into a directory laid
 * out as its COPY lines say, and is started with the ENTRYPOINT exactly as written, flags parsed from
 * the Dockerfile. It must start, map its CDS archive, answer health, be judged by nscope's own PID-1
 * rules as a PID 1 that receives SIGTERM, and exit within 3 s of SIGTERM with status 143 or 0.
 * An integration test ({@code mvn verify}): it needs the packaged jar.
 */
class ImageEntrypointIT {
    private static final Path JAR = Path.of("target", "nscope.jar");

    @Test
    void theEntrypointStartsServesHealthAndStopsPromptlyOnSigterm(@TempDir Path tmp) throws Exception {
        assertThat(JAR).as("mvn package makes it before the integration tests").isRegularFile();
        Dockerfile df = Dockerfile.read();
        Dockerfile.Stage builder = df.stage("builder");
        Dockerfile.Stage image = df.last();

        // the builder stage: COPY target/nscope.jar nscope.jar, then its extraction RUN
        Path builderDir = tmp.resolve("builder");
        Files.createDirectories(builderDir);
        String copyJar = builder.all("COPY").stream().filter(c -> c.startsWith("target/nscope.jar ")).findFirst()
                .orElseThrow(() -> new AssertionError("the builder stage does not COPY target/nscope.jar"));
        Files.copy(JAR, builderDir.resolve(copyJar.split("\\s+")[1]));
        shell(builder.run("-Djarmode=tools"), builderDir, 60);

        // the image stage: COPY --from=builder <dir under the builder's WORKDIR>/ ./
        Path appDir = tmp.resolve("app");
        Files.createDirectories(appDir);
        List<String> copies = image.all("COPY").stream().filter(c -> c.startsWith("--from=builder ")).toList();
        assertThat(copies).hasSize(4);
        for (String c : copies) {
            String[] f = c.split("\\s+");
            assertThat(f[2]).isEqualTo("./");
            String src = f[1];
            assertThat(src).startsWith(builder.workdir() + "/");
            copyTree(builderDir.resolve(src.substring(builder.workdir().length() + 1)), appDir);
        }
        assertThat(appDir.resolve("nscope.jar")).isRegularFile();
        assertThat(appDir.resolve("lib")).isDirectory();

        // the CDS training run
        String training = image.run("-XX:ArchiveClassesAtExit=");
        shell(training, appDir, 120);
        String archive = training.replaceAll(".*-XX:ArchiveClassesAtExit=(\\S+).*", "$1");
        assertThat(appDir.resolve(archive)).isRegularFile();
        List<String> flags = df.jvmFlags();
        assertThat(flags).contains("-XX:SharedArchiveFile=" + archive, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
                .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));

        // ENTRYPOINT as written, in the WORKDIR, with the JDK running these tests as `java`
        int port = freePort();
        List<String> cmd = new ArrayList<>(df.entrypoint());
        cmd.set(0, javaBin().toString());
        cmd.add("--server.port=" + port);
        cmd.add("--nscope.scan-interval=1s");
        Path log = tmp.resolve("agent.log");
        ProcessBuilder run = new ProcessBuilder(cmd).directory(appDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        run.environment().putAll(df.env());
        Process agent = run.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> health = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && agent.isAlive()) {
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            String out = Files.readString(log);
            assertThat(health).as(out).isNotNull();
            assertThat(health.statusCode()).as(out).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            // the archive is in use: the JVM maps it (JDK 17 skips a missing or mismatched archive silently)
            int pid = (int) agent.pid();
            assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/maps")))
                    .anyMatch(l -> l.endsWith(appDir.resolve(archive).toString()));

            // as a container's PID 1, nscope's own rules would see SIGTERM delivered (the JVM's handler)
            String exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
            Pid1Facts facts = new Pid1Reader(HostPaths.live()).read(pid, 0, "java", exe, Signals.SIGTERM, new ErrorCounts());
            InitKind kind = InitIdentifier.identify("java", exe, facts.argv()).kind();
            assertThat(kind).isEqualTo(InitKind.JAVA);
            SigtermVerdict verdict = SigtermVerdict.judge(facts, kind, Arch.current());
            assertThat(verdict.delivery()).as(verdict.reason()).isEqualTo(SigtermVerdict.Delivery.DELIVERED);

            long t0 = System.nanoTime();
            agent.destroy(); // SIGTERM
            boolean exited = agent.waitFor(3, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(exited).as("exit within 3 s of SIGTERM; log:\n" + Files.readString(log)).isTrue();
            assertThat(agent.exitValue()).isIn(143, 0);
            System.out.println("entrypoint " + flags + ": exit " + agent.exitValue() + " " + millis + " ms after SIGTERM");
        } finally {
            agent.destroyForcibly();
        }
    }

    private static Path javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A RUN line's shell command in {@code dir}, with this JDK's {@code java} first on the PATH. */
    private static void shell(String command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", javaBin().getParent() + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Path log = Files.createTempFile(dir.getParent(), "run", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: RUN " + command);
        }
        assertThat(p.exitValue()).as("RUN " + command + "\n" + Files.readString(log)).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
