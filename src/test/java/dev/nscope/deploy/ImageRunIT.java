package dev.nscope.deploy;

import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nscope.deploy.Chart.at;
import static dev.nscope.deploy.Chart.list;
import static dev.nscope.deploy.Chart.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real image, {@code nscope:dev} as {@code tools/build-image.sh} builds it from the Dockerfile, run with
 * {@code docker run} as the chart's DaemonSet runs it (read from the chart's rendering): the host's pid
 * namespace, the host's /proc and /sys read-only at /host/proc and /host/sys, the runtimes' state
 * directories read-only at their own paths (those this host has), uid 0, all capabilities dropped but the
 * chart's, no new privileges, a read-only root with a memory tmpfs at /tmp, the chart's memory limit and
 * environment, the image's own ENTRYPOINT with the chart's arguments. Only the network differs: this
 * engine has no bridge, so the agent shares the host's and listens on loopback alone. It must list the
 * other containers (names, images, PID 1 verdicts that need its capabilities), serve the scrape, report
 * no warning and log none, and exit with 143 within 2 s of SIGTERM. Skipped without root, Docker, the
 * image or the test image (failed under CI=true). An integration test: the image is built from the
 * packaged jar.
 */
class ImageRunIT {
    static final String IMAGE = System.getProperty("nscope.image", "nscope:dev");
    private static final JsonMapper JSON = new JsonMapper();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void prerequisites() {
        Live.requireRoot();
        Live.require(docker(30, "info").exit() == 0, "a Docker engine is needed (.ci/run starts dockerd)");
        Live.require(docker(30, "image", "inspect", IMAGE).exit() == 0,
                "the image " + IMAGE + " is needed: tools/build-image.sh builds it from target/nscope.jar");
        Live.require(docker(30, "image", "inspect", DockerTests.IMAGE).exit() == 0,
                "the image " + DockerTests.IMAGE + " is needed (.ci/test-image.sh builds it)");
    }

    @AfterEach
    void removeContainers() {
        for (String name : started) {
            docker(60, "rm", "-f", "-v", name);
        }
    }

    @Test
    void runAsTheDaemonSetItListsTheOtherContainersServesTheScrapeAndStopsWithin2sOfSigterm() throws Exception {
        // the other containers: PID 1s of the three kinds DaemonSetEquivalentTest judges
        String sleep = peer("sleep");
        String init = peer("init", "--init");
        String user = peer("user", "--user", "1000:1000");

        Chart.Rendered chart = Chart.render(null);
        Map<String, Object> pod = chart.podSpec();
        Map<String, Object> agent = chart.agent();
        assertThat(pod.get("hostPID")).isEqualTo(true);
        assertThat(agent.get("command")).as("the chart runs the image's ENTRYPOINT").isNull();
        @SuppressWarnings("unchecked")
        List<String> caps = (List<String>) at(agent, "securityContext", "capabilities", "add");
        assertThat(at(agent, "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));
        long limit = DaemonSetRun.bytes((String) at(agent, "resources", "limits", "memory"));
        int port = freePort();

        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name("agent"), "--pid", "host",
                // no bridge on this engine: the host's network, and the agent listens on loopback only
                "--network", "host"));
        Map<String, Object> sc = map(agent.get("securityContext"));
        run.addAll(List.of("--user", sc.get("runAsUser") + ":" + sc.get("runAsGroup")));
        assertThat(sc.get("privileged")).isEqualTo(false);
        if (Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))) {
            run.add("--read-only");
        }
        if (Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
            run.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        // seccomp RuntimeDefault: Docker's default profile, which docker run applies unasked
        assertThat(at(sc, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        run.addAll(List.of("--cap-drop", "ALL"));
        caps.forEach(c -> run.addAll(List.of("--cap-add", c)));
        run.addAll(List.of("--memory", Long.toString(limit), "--memory-swap", Long.toString(limit)));
        run.addAll(mounts(pod, agent));
        for (Map<String, Object> e : list(agent.get("env") == null ? List.of() : agent.get("env"))) {
            run.addAll(List.of("-e", e.get("name") + "=" + e.get("value")));
        }
        run.add(IMAGE);
        List<String> args = new ArrayList<>();
        for (String a : chart.agentArgs()) {
            args.add(a.startsWith("--server.port=") ? "--server.port=" + port
                    : a.startsWith("--nscope.scan-interval=") ? "--nscope.scan-interval=1s" : a);
        }
        args.add("--server.address=127.0.0.1");
        run.addAll(args);
        System.out.println("docker " + String.join(" ", run));
        Live.Result r = docker(120, run.toArray(String[]::new));
        assertThat(r.exit()).as("docker run: " + r.stderr()).isZero();
        String agentName = name("agent");
        started.add(agentName);

        JsonNode doc = awaitContainers(agentName, port, d -> {
            JsonNode s = container(d, sleep);
            JsonNode i = container(d, init);
            JsonNode u = container(d, user);
            return s != null && i != null && u != null && finding(s, "pid1-sigterm-dropped") != null
                    && finding(u, "pid1-sigterm-dropped") != null && i.get("pid1").get("catchesSigterm").asBoolean(false);
        });

        // the process is the image's ENTRYPOINT with the chart's arguments, with exactly the chart's
        // capabilities, no new privileges, the Dockerfile's environment and its class data archive mapped
        JsonNode state = inspect(agentName).get("State");
        long pid = state.get("Pid").asLong();
        Dockerfile df = Dockerfile.read();
        List<String> cmdline = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
        List<String> expected = new ArrayList<>(df.entrypoint());
        expected.addAll(args);
        assertThat(cmdline).isEqualTo(expected);
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertThat(field(status, "CapEff")).isEqualTo(String.format("%016x", mask(caps)));
        assertThat(field(status, "CapBnd")).isEqualTo(String.format("%016x", mask(caps)));
        assertThat(field(status, "NoNewPrivs")).isEqualTo("1");
        List<String> environ = List.of(Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0"));
        df.env().forEach((k, v) -> assertThat(environ).contains(k + "=" + v));
        String archive = df.jvmFlags().stream().filter(f -> f.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .orElseThrow().substring("-XX:SharedArchiveFile=".length());
        String workdir = df.last().workdir();
        assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/maps")))
                .as("the CDS archive is mapped").anyMatch(l -> l.endsWith(" " + workdir + "/" + archive));
        Map<String, String[]> mounts = mountinfo(pid);
        assertThat(mounts.get("/")[0].split(",")).contains("ro");
        assertThat(mounts.get("/tmp")[1]).isEqualTo("tmpfs");
        assertThat(mounts.get("/host/proc")[0].split(",")).contains("ro");
        assertThat(mounts.get("/host/proc")[1]).isEqualTo("proc");
        assertThat(mounts.get("/host/sys")[0].split(",")).contains("ro");
        assertThat(mounts.get("/host/sys")[1]).isEqualTo("sysfs");

        // what it found: the other containers, named, pictured, their PID 1s judged with the chart's rights
        JsonNode node = doc.get("node");
        assertThat(node.get("warnings")).as(node.toString()).isEmpty();
        assertThat(node.get("scanErrors").get("permission").asLong()).as(node.toString()).isZero();
        assertThat(node.get("hostNamespaces").get("pid").asLong()).isEqualTo(nsInode("self", "pid"));
        for (String peer : List.of(sleep, init, user)) {
            JsonNode c = container(doc, peer);
            JsonNode info = inspect(peer);
            assertThat(c.get("id").asString()).isEqualTo(info.get("Id").asString());
            assertThat(c.get("runtime").asString()).isEqualTo("docker");
            assertThat(c.get("image").asString()).isEqualTo(DockerTests.IMAGE);
            assertThat(c.get("pid1").get("hostPid").asLong()).isEqualTo(info.get("State").get("Pid").asLong());
            assertThat(c.get("namespaces").get("pid").get("inode").asLong())
                    .isEqualTo(nsInode(Long.toString(info.get("State").get("Pid").asLong()), "pid"));
        }
        assertThat(finding(container(doc, sleep), "pid1-sigterm-dropped").get("evidence").get("syscall").isNull())
                .as("a root PID 1's syscall, read with SYS_PTRACE").isFalse();
        assertThat(finding(container(doc, user), "pid1-sigterm-dropped").get("evidence").get("syscall").isNull())
                .as("a uid 1000 PID 1's syscall, read with DAC_READ_SEARCH").isFalse();
        assertThat(container(doc, init).get("pid1").get("initKind").asString()).isEqualTo("docker-init");
        assertThat(finding(container(doc, init), "pid1-sigterm-dropped")).isNull();

        // the scrape: the same containers, no warning, and a heap sized from the container's memory limit
        HttpResponse<String> scrape = get(port, "/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String text = scrape.body();
        assertThat(sample(text, "nscope_warnings")).isZero();
        assertThat(sample(text, "nscope_scans_total{result=\"ok\"}")).isPositive();
        for (String peer : List.of(sleep, init, user)) {
            assertThat(text).containsPattern("(?m)^nscope_container_info\\{[^}]*image=\"" + Pattern.quote(DockerTests.IMAGE)
                    + "\"[^}]*name=\"" + peer + "\"[^}]*} 1");
        }
        double heap = 0;
        Matcher m = Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\",[^}]*} (\\S+)$").matcher(text);
        while (m.find()) {
            heap += Double.parseDouble(m.group(1));
        }
        String percent = df.jvmFlags().stream().filter(f -> f.startsWith("-XX:MaxRAMPercentage=")).findFirst().orElseThrow();
        double share = Double.parseDouble(percent.substring(percent.indexOf('=') + 1)) / 100;
        // eden, one survivor space and the old generation: the heap less one survivor space
        assertThat(heap / limit).as("heap of the %d MiB limit", limit >> 20).isBetween(share * 0.85, share);

        // nothing logged at WARN or ERROR, and no JVM warning
        String log = logs(agentName);
        assertThat(log.lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+\\s+(WARN|ERROR) .*")
                || l.contains("VM warning") || l.contains("[warning]")).toList()).as(log).isEmpty();

        // SIGTERM through the engine (as the kubelet's stop goes through the runtime): the JVM's process,
        // visible here by its host pid, must be gone within 2 s of the kill request, with status 143
        AtomicLong exitedAt = new AtomicLong();
        Path proc = Path.of("/proc/" + pid + "/stat");
        Thread watch = new Thread(() -> {
            while (true) {
                try {
                    String st = Files.readString(proc);
                    char s = st.charAt(st.lastIndexOf(')') + 2);
                    if (s == 'Z' || s == 'X') {
                        break;
                    }
                } catch (IOException gone) {
                    break;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exitedAt.set(System.nanoTime());
        });
        watch.start();
        long t0 = System.nanoTime();
        Instant wallT0 = Instant.now();
        String how = kill(agentName);
        long killed = System.nanoTime();
        Live.Result waited = docker(60, "wait", agentName);
        long waitedAt = System.nanoTime();
        watch.join(10_000);
        assertThat(exitedAt.get()).as("the agent's process exited").isPositive();
        assertThat(waited.stdout().trim()).as("exit status").isEqualTo("143");
        long exitMs = TimeUnit.NANOSECONDS.toMillis(exitedAt.get() - t0);
        Instant finished = Instant.parse(inspect(agentName).get("State").get("FinishedAt").asString());
        assertThat(exitMs).as("ms from the kill request to the process's exit; log:\n" + logs(agentName)).isLessThan(2000);
        System.out.printf("image %s as the DaemonSet: %d processes, warnings %s, permission errors %d, heap %.0f MiB "
                        + "of %d MiB; SIGTERM (%s): request answered %d ms, process gone %d ms, docker wait %d ms, "
                        + "engine's FinishedAt %d ms after the request, exit 143%n", IMAGE, node.get("processes").asInt(),
                node.get("warnings"), node.get("scanErrors").get("permission").asLong(), heap / (1 << 20), limit >> 20, how,
                TimeUnit.NANOSECONDS.toMillis(killed - t0), exitMs, TimeUnit.NANOSECONDS.toMillis(waitedAt - t0),
                Duration.between(wallT0, finished).toMillis());
    }

    @Test
    void theImageCarriesItsLabelsEntrypointAndSettings() throws Exception {
        JsonNode config = JSON.readTree(docker(30, "image", "inspect", IMAGE).stdout()).get(0).get("Config");
        JsonNode labels = config.get("Labels");
        assertThat(labels.get("org.opencontainers.image.source").asString()).startsWith("https://");
        assertThat(labels.get("org.opencontainers.image.licenses").asString()).isEqualTo(pomLicense());
        assertThat(labels.get("org.opencontainers.image.revision").asString()).matches("[0-9a-f]{40}(-dirty)?");
        Path jar = Path.of("target", "nscope.jar");
        if (Files.isRegularFile(jar)) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertThat(labels.get("org.opencontainers.image.version").asString())
                        .isEqualTo(j.getManifest().getMainAttributes().getValue("Implementation-Version"));
            }
        }
        Dockerfile df = Dockerfile.read();
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(e -> entrypoint.add(e.asString()));
        assertThat(entrypoint).isEqualTo(df.entrypoint());
        List<String> env = new ArrayList<>();
        config.get("Env").forEach(e -> env.add(e.asString()));
        df.env().forEach((k, v) -> assertThat(env).contains(k + "=" + v));
        assertThat(config.get("User").asString()).isEqualTo("0:0");
        assertThat(config.get("StopSignal").asString()).isEqualTo("SIGTERM");
        assertThat(config.get("ExposedPorts").has("9810/tcp")).isTrue();
        System.out.println("image " + IMAGE + " labels " + labels);
    }

    /** docker run options for the pod's volumes as the agent mounts them: hostPaths this host has, the memory emptyDir. */
    private static List<String> mounts(Map<String, Object> pod, Map<String, Object> agent) throws IOException {
        Map<String, Map<String, Object>> volumes = new java.util.HashMap<>();
        list(pod.get("volumes")).forEach(v -> volumes.put((String) v.get("name"), v));
        List<String> out = new ArrayList<>();
        for (Map<String, Object> m : list(agent.get("volumeMounts"))) {
            Map<String, Object> v = volumes.get((String) m.get("name"));
            String at = (String) m.get("mountPath");
            if (v.get("hostPath") != null) {
                String host = (String) at(v, "hostPath", "path");
                if (!Files.isDirectory(Path.of(host))) {
                    System.out.println("not on this host, not mounted: " + host + " (" + at + ")");
                    continue;
                }
                StringBuilder o = new StringBuilder("type=bind,source=" + host + ",target=" + at);
                if (Boolean.TRUE.equals(m.get("readOnly"))) {
                    o.append(",readonly");
                }
                // HostToContainer is rslave, which needs a shared or slave mount at the source
                if ("HostToContainer".equals(m.get("mountPropagation")) && propagates(host)) {
                    o.append(",bind-propagation=rslave");
                }
                out.addAll(List.of("--mount", o.toString()));
            } else if (v.get("emptyDir") != null) {
                assertThat(at(v, "emptyDir", "medium")).isEqualTo("Memory");
                long size = DaemonSetRun.bytes((String) at(v, "emptyDir", "sizeLimit"));
                // the kubelet mounts a memory emptyDir as a tmpfs without noexec (docker's --tmpfs default)
                out.addAll(List.of("--tmpfs", at + ":rw,exec,size=" + size));
            } else {
                throw new AssertionError("a volume this test does not translate: " + v);
            }
        }
        return out;
    }

    /** Whether the mount holding {@code path} is shared or a slave (mountinfo's optional fields). */
    private static boolean propagates(String path) throws IOException {
        String best = "";
        boolean shared = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String point = f[4];
            if ((path.equals(point) || path.startsWith(point.endsWith("/") ? point : point + "/")) && point.length() >= best.length()) {
                best = point;
                shared = false;
                for (int i = 6; !f[i].equals("-"); i++) {
                    shared |= f[i].startsWith("shared:") || f[i].startsWith("master:");
                }
            }
        }
        return shared;
    }

    private String peer(String role, String... options) {
        String name = name(role);
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(DockerTests.IMAGE, "sleep", "600"));
        Live.Result r = docker(60, cmd.toArray(String[]::new));
        assertThat(r.exit()).as("docker run: " + r.stderr()).isZero();
        started.add(name);
        return name;
    }

    private String name(String role) {
        return "nscope-image-it-" + role + "-" + suffix;
    }

    /** SIGTERM through the engine's API on its socket (no client process to start), else `docker kill`. */
    private static String kill(String container) throws IOException {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        if (host.startsWith("unix://")) {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(host.substring(7)))) {
                String req = "POST /containers/" + container + "/kill?signal=SIGTERM HTTP/1.0\r\nHost: docker\r\n"
                        + "Content-Length: 0\r\n\r\n";
                ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
                ByteArrayOutputStream resp = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (ch.read(buf) > 0) {
                    resp.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                String answer = resp.toString(StandardCharsets.US_ASCII);
                assertThat(answer).as("the engine's answer to the kill").matches("(?s)HTTP/1\\.[01] 204 .*");
                return "engine API";
            }
        }
        Live.Result r = docker(60, "kill", "--signal", "TERM", container);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return "docker kill";
    }

    private JsonNode awaitContainers(String agent, int port, java.util.function.Predicate<JsonNode> done)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            JsonNode state = inspect(agent).get("State");
            if (!state.get("Running").asBoolean()) {
                throw new AssertionError("the agent's container stopped (" + state + "):\n" + logs(agent));
            }
            try {
                HttpResponse<String> r = get(port, "/actuator/containers");
                if (r.statusCode() == 200) {
                    last = JSON.readTree(r.body());
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out; last document: " + last + "\nlog:\n" + logs(agent));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode inspect(String container) {
        Live.Result r = docker(30, "inspect", container);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return JSON.readTree(r.stdout()).get(0);
    }

    private static String logs(String container) {
        Live.Result r = docker(30, "logs", container);
        return r.stdout() + r.stderr();
    }

    static Live.Result docker(int timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        try {
            return Live.run(cmd, timeoutSeconds);
        } catch (IOException e) {
            return new Live.Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Live.Result(-1, "", e.toString());
        }
    }

    static JsonNode container(JsonNode doc, String name) {
        return DaemonSetEquivalentTest.container(doc, name);
    }

    static JsonNode finding(JsonNode container, String rule) {
        return DaemonSetEquivalentTest.findingOrNull(container, rule);
    }

    private static double sample(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no " + series + " in the scrape");
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + status));
    }

    private static long mask(List<String> caps) {
        long m = 0;
        for (String c : caps) {
            m |= 1L << switch (c) {
                case "DAC_READ_SEARCH" -> 2;
                case "NET_ADMIN" -> 12;
                case "SYS_PTRACE" -> 19;
                default -> throw new AssertionError("capability not expected in the chart: " + c);
            };
        }
        return m;
    }

    private static Map<String, String[]> mountinfo(long pid) throws IOException {
        Map<String, String[]> m = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            m.put(f[4].replace("\\040", " "), new String[] {f[5], f[dash + 1]});
        }
        return m;
    }

    private static long nsInode(String pid, String type) throws IOException {
        String l = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        return Long.parseLong(l.substring(l.indexOf('[') + 1, l.length() - 1));
    }

    private static String pomLicense() throws IOException {
        Matcher m = Pattern.compile("<license>\\s*<name>([^<]+)</name>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("a license in pom.xml").isTrue();
        return m.group(1).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
