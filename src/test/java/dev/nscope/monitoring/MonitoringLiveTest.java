package dev.nscope.monitoring;

import dev.nscope.testing.PrometheusServer;

import com.github.dockerjava.api.model.BlkioRateDevice;
import com.github.dockerjava.api.model.Ulimit;
import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.nscope.monitoring.Dashboards.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the agent scans this live host, where three real Docker containers misbehave on purpose;
 * a real Prometheus scrapes it every second and evaluates {@code nscope-rules.yaml}. Then every query of
 * every dashboard (template variables resolved the way Grafana does, from the agent's own series) and
 * every rule expression must parse and find data, and the alerts must be active for exactly the
 * containers that earn them.
 *
 * <ul>
 * <li>{@code al-mon-burner} (Kubernetes labels, pod {@code burner-0}): {@code --memory 64m --cpus 0.2
 * --pids-limit 100}; a shell PID 1 with a TERM trap that runs a CPU burner, 59 MiB in /dev/shm (working
 * set over 90% of the limit), a memory hog the OOM killer kills every few seconds (its oom_score_adj
 * makes it the victim, never PID 1), and direct IO (counted on
 * cgroup v1 only on a disk with a blkio throttle, so it gets a 1 TiB/s one).</li>
 * <li>{@code al-mon-leaker} (pod {@code leaker-0}): PID 1 {@code sleep} never reaps, an orphan a second
 * becomes its zombie until {@code --pids-limit 20} refuses forks. It starts once Prometheus scrapes, so
 * that the zombies are seen growing.</li>
 * <li>{@code al-mon-init}: {@code --init} (tini as docker-init), host network, no Kubernetes labels:
 * the healthy look-alike: only the host-namespace alert may fire for it.</li>
 * <li>{@code al-mon-files}: {@code --init --ulimit nofile=64:64}; tail follows 58 files: with stdin,
 * stdout and stderr 61 descriptors of the 64 allowed, so only the open-files alert may fire for it.</li>
 * <li>{@code al-mon-priv}: {@code --init --privileged} (or, where this process's bounding set is not full, every
 * capability it holds with seccomp unconfined: the same to the agent): only the privileged alert may fire for it.</li>
 * <li>{@code al-mon-sock}: {@code --init} with Docker's socket mounted in read-only (a read-only mount does not stop
 * a connect): only the runtime-socket alert may fire for it.</li>
 * </ul>
 * The burner's and the leaker's network namespaces (Docker's {@code --network none}: loopback only, which
 * the metrics leave out) get a veth pair between them, and a ping crosses it every second: traffic that
 * each one's {@code /proc/net/dev} counts, for the network panels. Only local veths: nothing leaves the
 * machine. This Prometheus has no {@code cluster} label: the dashboards' cluster variable resolves to
 * None (the empty string), as Grafana's does, and must match every series.
 */
class MonitoringLiveTest {
    static final String NAMESPACE = "al-mon";
    static final String BURNER = """
            trap "exit 0" TERM
            head -c 59m /dev/zero > /dev/shm/fill
            yes > /dev/null &
            (while true; do
               dd if=/dev/zero of=/tmp/io bs=64k count=16 oflag=direct 2>/dev/null
               dd if=/tmp/io of=/dev/null bs=64k iflag=direct 2>/dev/null
               sleep 1
             done) &
            while true; do sh -c 'echo 1000 > /proc/self/oom_score_adj; x=$(head -c 30000000 /dev/zero | tr "\\000" a)'; sleep 5; done
            """;
    static final String LEAKER = "(while true; do (sleep 0.2 &); sleep 1; done) & exec sleep 600";
    static final String FILES = "for i in $(busybox seq 1 58); do : > /tmp/f$i; done; exec busybox tail -f /tmp/f*";
    static final Duration READY_WITHIN = Duration.ofSeconds(180);

    /**
     * Queries that may be empty on this host, by "dashboard uid / panel title / refId", or by that and " [selection]"
     * for one selection only, with the reason.
     */
    static final Map<String, String> EMPTY_PANELS = new TreeMap<>(Map.of(
            "nscope-pid1 / Containers with isolation findings / A [pod burner-0]",
            "the burner has no isolation finding; at All the table shows al-mon-priv's and al-mon-sock's"));
    /** Labels a Prometheus may lack altogether: the dashboards' variables of these resolve to None (""). */
    static final Set<String> OPTIONAL_LABELS = Set.of("cluster");
    /** Rule expressions that may be empty here: the agent under test is healthy. */
    static final Map<String, String> EMPTY_RULES = new TreeMap<>(Map.of(
            "NscopeAgentDown", "the agent under test is up",
            "NscopeAgentAbsent", "the agent under test is up",
            "NscopeScansFailing", "no scan of the agent under test fails",
            "NscopeScansStale", "the agent under test scans every second",
            "NscopeScanSlow", "a scan of this host takes well under 5 s",
            "NscopeAgentWarnings", "the agent under test runs as root and reads everything",
            "NscopeContainerMemoryHighThrottled", "no test container has a memory.high: Docker sets none (and cgroup v1 has none)",
            "NscopeContainersKilledAtStop", "no test container stops while Prometheus watches (the series are there, at 0)",
            "NscopeContainersStoppedByOOMKiller", "no test container stops while Prometheus watches (the OOM killer's victims"
                    + " in al-mon-burner are never its PID 1)"));
    /** Rule selectors that may find no series on this host, with the kernel's reason. */
    static final Map<String, String> EMPTY_SELECTORS = new TreeMap<>();

    static GenericContainer<?> burner;
    static GenericContainer<?> leaker;
    static GenericContainer<?> init;
    static GenericContainer<?> files;
    static GenericContainer<?> priv;
    static GenericContainer<?> sock;
    static Process ping;
    static Process agent;
    static Path agentLog;
    static PrometheusServer prometheus;
    static String instance;

    @BeforeAll
    static void start() throws Exception {
        DockerTests.requireDocker();
        Path prometheusBinary = Tools.require("prometheus");
        String disk = dockerRootDisk();
        if (disk == null) {
            String why = "the Docker root is not on a whole disk here: no blkio throttle, so cgroup v1 counts no IO";
            for (String q : List.of("nscope-node / Top block IO / A", "nscope-container / Block IO bytes / A",
                    "nscope-container / Block IO bytes / B", "nscope-container / Block IO operations / A",
                    "nscope-container / Block IO operations / B")) {
                EMPTY_PANELS.put(q, why);
            }
        }
        burner = DockerTests.container("al-mon-burner", h -> {
            h.withMemory(64L << 20).withMemorySwap(64L << 20).withNanoCPUs(200_000_000L).withPidsLimit(100L);
            if (disk != null) {
                h.withBlkioDeviceWriteBps(List.of(new BlkioRateDevice().withPath(disk).withRate(1L << 40)));
            }
        }, "sh", "-c", BURNER).withLabels(kubernetes("burner-0", "burner"));
        leaker = DockerTests.container("al-mon-leaker", h -> h.withPidsLimit(20L), "sh", "-c", LEAKER)
                .withLabels(kubernetes("leaker-0", "leaker"));
        init = DockerTests.container("al-mon-init", h -> h.withInit(true), "sleep", "600").withNetworkMode("host");
        files = DockerTests.container("al-mon-files", h -> h.withInit(true).withUlimits(List.of(new Ulimit("nofile", 64L, 64L))),
                "sh", "-c", FILES);
        priv = DockerTests.container("al-mon-priv", h -> DockerTests.privileged(h.withInit(true)), "sleep", "600");
        sock = DockerTests.container("al-mon-sock", h -> h.withInit(true), "sleep", "600")
                .withFileSystemBind("/var/run/docker.sock", "/var/run/docker.sock", BindMode.READ_ONLY);
        if (!Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            EMPTY_SELECTORS.put("nscope_container_memory_events_total{job=\"" + PrometheusServer.JOB + "\", event=\"high\"}",
                    "cgroup v1 has no memory.high: its memory events are max (memory.failcnt) and oom_kill only");
        }
        burner.start();
        init.start();
        files.start();
        priv.start();
        sock.start();

        int port = PrometheusServer.freePort();
        instance = "127.0.0.1:" + port;
        agentLog = Files.createTempFile("nscope-agent-", ".log");
        agent = new ProcessBuilder(Live.nscopeCommand("--server.address=127.0.0.1", "--server.port=" + port,
                "--nscope.scan-interval=1s"))
                .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
        awaitAgent(port, burner, init, files, priv, sock);
        prometheus = PrometheusServer.start(prometheusBinary, instance, "/actuator/prometheus", Tools.RULES);
        // the leaker starts under Prometheus's eyes: its zombies must be seen growing, not only at their plateau
        leaker.start();
        awaitAgent(port, leaker);
        ping = Veth.linkAndPing(pid(burner), pid(leaker));

        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < READY_WITHIN.toNanos()) {
            if (dashboardProblems().isEmpty() && ruleProblems().isEmpty() && alertProblems().isEmpty() && networkProblems().isEmpty()) {
                break;
            }
            Thread.sleep(2000);
        }
        System.out.printf("MonitoringLiveTest: data complete after %d s of scraping (or gave up)%n",
                (System.nanoTime() - t0) / 1_000_000_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ping != null) {
            ping.destroy();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (agent != null) {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        if (agentLog != null) {
            Files.deleteIfExists(agentLog);
        }
        for (GenericContainer<?> c : new GenericContainer<?>[] {burner, leaker, init, files, priv, sock}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    @Test
    void everyDashboardQueryParsesAndFindsData() {
        assertThat(dashboardProblems()).as("dashboard queries (prometheus log: %s)", prometheus.log()).isEmpty();
    }

    @Test
    void everyRuleExpressionParsesAndFindsDataAndEvaluatesWithoutError() {
        assertThat(ruleProblems()).isEmpty();
    }

    @Test
    void alertsAreActiveForExactlyTheContainersThatEarnThem() {
        assertThat(alertProblems()).isEmpty();
    }

    @Test
    void theNetworkSeriesCountTheTrafficAcrossTheVeth() {
        assertThat(networkProblems()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------

    /** The template variables' values for one run over a dashboard: preferred values where given, else All or the first. */
    record Selection(String name, Map<String, String> prefer) {
    }

    static List<Selection> selections() {
        String burnerId = burner.getContainerId();
        return List.of(
                new Selection("All", Map.of("job", PrometheusServer.JOB, "node", instance, "id", burnerId)),
                new Selection("pod burner-0", Map.of("job", PrometheusServer.JOB, "node", instance, "namespace", NAMESPACE,
                        "pod", "burner-0", "container", "al-mon-burner", "id", burnerId)));
    }

    static List<String> dashboardProblems() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.Dashboard d : Dashboards.all()) {
            for (Selection s : selections()) {
                Map<String, String> values = resolve(d, s, problems);
                if (values == null) {
                    continue;
                }
                for (Dashboards.Query q : d.queries()) {
                    String expr = Dashboards.substitute(q.expr(), values);
                    JsonNode r = q.instant() ? prometheus.query(expr) : prometheus.queryRange(expr, 120, 2);
                    String key = q.where();
                    if (!"success".equals(text(r.path("status")))) {
                        problems.add(key + " [" + s.name() + "] does not run: " + text(r.path("error")) + "\n      " + expr);
                    } else if (r.path("data").path("result").isEmpty() && !EMPTY_PANELS.containsKey(key)
                            && !EMPTY_PANELS.containsKey(key + " [" + s.name() + "]")) {
                        problems.add(key + " [" + s.name() + "] finds no data\n      " + expr);
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Grafana's resolution of the query variables, in order, each from label_values over the previous ones.
     * A variable of an optional label ({@link #OPTIONAL_LABELS}) that no series carries is None, whose value
     * Grafana substitutes as the empty string ({@code cluster=""} then matches every series).
     */
    static Map<String, String> resolve(Dashboards.Dashboard d, Selection s, List<String> problems) {
        Map<String, String> values = new HashMap<>();
        for (JsonNode v : d.variables()) {
            String name = text(v.path("name"));
            if (!"query".equals(text(v.path("type")))) {
                continue;
            }
            Dashboards.LabelValues lv = Dashboards.LabelValues.parse(text(v.path("definition")));
            String selector = lv.selector() == null ? null : Dashboards.substitute(lv.selector(), values);
            List<String> offered = prometheus.labelValues(lv.label(), selector);
            boolean multi = v.path("multi").asBoolean() || v.path("includeAll").asBoolean();
            String want = s.prefer().get(name);
            if (offered.isEmpty() && OPTIONAL_LABELS.contains(lv.label())) {
                values.put(name, "");
                continue;
            }
            if (offered.isEmpty()) {
                problems.add(d.uid() + " $" + name + " [" + s.name() + "]: label_values offers nothing: " + selector);
                return null;
            }
            if (want != null) {
                if (!offered.contains(want)) {
                    problems.add(d.uid() + " $" + name + " [" + s.name() + "]: " + want + " not among " + offered);
                    return null;
                }
                values.put(name, multi ? Dashboards.regexEscape(want) : want);
            } else if (v.path("includeAll").asBoolean()) {
                values.put(name, text(v.path("allValue")));
            } else {
                values.put(name, offered.get(0));
            }
        }
        return values;
    }

    static List<String> ruleProblems() {
        List<String> problems = new ArrayList<>();
        for (RuleFile.Alert a : RuleFile.load(Tools.RULES).alerts()) {
            JsonNode r = prometheus.query(a.expr());
            if (!"success".equals(text(r.path("status")))) {
                problems.add(a.name() + " does not run: " + text(r.path("error")));
                continue;
            }
            if (r.path("data").path("result").isEmpty() && !EMPTY_RULES.containsKey(a.name())) {
                problems.add(a.name() + " finds no data: " + a.expr());
            }
            // a typo in a metric or label name would make the expression empty for good: each selector must find series
            for (String sel : RuleFile.selectors(a.expr())) {
                if (prometheus.query(sel).path("data").path("result").isEmpty() && !EMPTY_SELECTORS.containsKey(sel)) {
                    problems.add(a.name() + ": selector " + sel + " finds no series");
                }
            }
        }
        for (JsonNode g : prometheus.rules().path("data").path("groups")) {
            for (JsonNode rule : g.path("rules")) {
                if (!"ok".equals(text(rule.path("health")))) {
                    problems.add(text(rule.path("name")) + " evaluates with health " + text(rule.path("health")) + ": "
                            + text(rule.path("lastError")));
                }
            }
        }
        return problems;
    }

    static List<String> alertProblems() {
        Map<String, Set<String>> active = new HashMap<>();
        Set<String> firing = new TreeSet<>();
        Set<String> agentAlerts = new TreeSet<>();
        for (JsonNode a : prometheus.alerts().path("data").path("alerts")) {
            String name = text(a.path("labels").path("alertname"));
            String id = text(a.path("labels").path("id"));
            active.computeIfAbsent(id, k -> new TreeSet<>()).add(name);
            if ("firing".equals(text(a.path("state")))) {
                firing.add(name + " " + id);
            }
            if ((name.startsWith("NscopeAgent") || name.startsWith("NscopeScan")) && !text(a.path("labels").path("instance")).isEmpty()
                    && text(a.path("labels").path("instance")).equals(instance)) {
                agentAlerts.add(name);
            }
        }
        List<String> problems = new ArrayList<>();
        Map<GenericContainer<?>, Set<String>> expected = new LinkedHashMap<>();
        expected.put(leaker, Set.of("NscopePid1SigtermDropped", "NscopePid1ZombiesNotReaped", "NscopeContainerPidsNearLimit",
                "NscopeContainerForkRejected"));
        expected.put(burner, Set.of("NscopePid1SignalsNotForwarded", "NscopeContainerMemoryNearLimit", "NscopeContainerOOMKilled",
                "NscopeContainerCPUThrottlingHigh", "NscopeContainerPressureStalled"));
        expected.put(init, Set.of("NscopeContainerHostNamespace"));
        expected.put(files, Set.of("NscopeContainerFdsNearLimit"));
        // pending for 5 minutes (their for:), which is active too
        expected.put(priv, Set.of("NscopeContainerPrivileged"));
        expected.put(sock, Set.of("NscopeContainerRuntimeSocketMounted"));
        expected.forEach((c, want) -> {
            Set<String> got = active.getOrDefault(c.getContainerId(), Set.of());
            if (!got.equals(want)) {
                problems.add(c.getContainerName() + ": active alerts " + got + ", expected exactly " + new TreeSet<>(want));
            }
        });
        // OOMKilled has no for: it fires at once
        if (!firing.contains("NscopeContainerOOMKilled " + burner.getContainerId())) {
            problems.add("NscopeContainerOOMKilled is not firing for al-mon-burner");
        }
        if (!agentAlerts.isEmpty()) {
            problems.add("agent alerts for a healthy agent: " + agentAlerts);
        }
        if (!problems.isEmpty()) {
            problems.add("container states: " + states());
        }
        return problems;
    }

    /** Each end of the veth counts the pings: packets and bytes received and sent are rising, with no errors. */
    static List<String> networkProblems() {
        List<String> problems = new ArrayList<>();
        Map<GenericContainer<?>, String> ends = Map.of(burner, Veth.BURNER_END, leaker, Veth.LEAKER_END);
        ends.forEach((c, iface) -> {
            for (String family : List.of("receive_bytes", "transmit_bytes", "receive_packets", "transmit_packets")) {
                String q = "rate(nscope_container_network_" + family + "_total{job=\"" + PrometheusServer.JOB + "\", id=\""
                        + c.getContainerId() + "\", interface=\"" + iface + "\"}[15s]) > 0";
                if (prometheus.query(q).path("data").path("result").isEmpty()) {
                    problems.add(c.getContainerName() + " " + iface + ": no rising " + family + ": " + q);
                }
            }
            String errors = "nscope_container_network_receive_errors_total{id=\"" + c.getContainerId() + "\", interface=\"" + iface + "\"} == 0";
            if (prometheus.query(errors).path("data").path("result").isEmpty()) {
                problems.add(c.getContainerName() + " " + iface + ": no error counter at 0: " + errors);
            }
        });
        return problems;
    }

    // ------------------------------------------------------------------------------------------------

    static long pid(GenericContainer<?> c) {
        return DockerClientFactory.instance().client().inspectContainerCmd(c.getContainerId()).exec().getState().getPidLong();
    }

    /** The test containers' states, to tell a misbehaving rule from a container that died. */
    static List<String> states() {
        List<String> out = new ArrayList<>();
        for (GenericContainer<?> c : new GenericContainer<?>[] {burner, leaker, init, files, priv, sock}) {
            var st = DockerClientFactory.instance().client().inspectContainerCmd(c.getContainerId()).exec().getState();
            out.add(c.getContainerName() + " " + st.getStatus() + " exit " + st.getExitCodeLong() + " oomKilled " + st.getOOMKilled());
        }
        return out;
    }

    static Map<String, String> kubernetes(String pod, String container) {
        // what dockershim put on the containers it created; the agent reads them from config.v2.json
        return Map.of("io.kubernetes.pod.namespace", NAMESPACE, "io.kubernetes.pod.name", pod,
                "io.kubernetes.pod.uid", "00000000-0000-4000-8000-" + String.format("%012d", Math.abs(pod.hashCode())),
                "io.kubernetes.container.name", container);
    }

    static void awaitAgent(int port, GenericContainer<?>... containers) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 120; i++) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("the agent exited: " + Files.readString(agentLog));
            }
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && java.util.Arrays.stream(containers).allMatch(c -> r.body().contains(c.getContainerId()))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the agent did not report the test containers: " + Files.readString(agentLog));
    }

    /** The whole disk (e.g. /dev/vda) that holds Docker's root, for a blkio throttle; null when there is none. */
    static String dockerRootDisk() {
        try {
            String root = DockerClientFactory.instance().client().infoCmd().exec().getDockerRootDir();
            long dev = (Long) Files.getAttribute(Path.of(root), "unix:dev");
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
            if (!Files.isDirectory(sys)) {
                return null;
            }
            Path real = sys.toRealPath();
            if (Files.exists(real.resolve("partition"))) {
                real = real.getParent();
            }
            for (String line : Files.readAllLines(real.resolve("uevent"))) {
                if (line.startsWith("DEVNAME=")) {
                    Path disk = Path.of("/dev", line.substring("DEVNAME=".length()));
                    return Files.exists(disk) ? disk.toString() : null;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
