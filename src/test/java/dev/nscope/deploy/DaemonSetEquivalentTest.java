package dev.nscope.deploy;

import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.nscope.deploy.Chart.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's assumptions, proven on this host: the agent, started as the DaemonSet starts it
 * ({@link DaemonSetRun}: host procfs and sysfs read-only under a prefix, only the chart's runtime
 * directories visible, read-only root, its own cgroup namespace and the chart's memory limit, uid 0 with
 * exactly the chart's capabilities), finds real Docker containers with their names and images and
 * judges their PID 1s. Then the same without SYS_PTRACE: what degrades, and that the agent says so
 * (node.warnings, permission errors) instead of guessing.
 */
class DaemonSetEquivalentTest {
    private static final String SLEEP = "ship-ds-sleep";
    private static final String INIT = "ship-ds-init";
    /** sleep as uid 1000: its 0400 /proc files are the owner's, read by root only with DAC_READ_SEARCH */
    private static final String USER = "ship-ds-user";
    private static GenericContainer<?> sleep;
    private static GenericContainer<?> init;
    private static GenericContainer<?> user;
    private static Chart.Rendered chart;
    private static List<String> chartCaps;

    @BeforeAll
    static void containers() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // each test skips (or fails in CI) in prerequisites()
        }
        try {
            DockerTests.requireDocker();
        } catch (org.opentest4j.TestAbortedException | AssertionError e) {
            return;
        }
        sleep = DockerTests.container(SLEEP, "sleep", "600");
        init = DockerTests.container(INIT, h -> h.withInit(true), "sleep", "600");
        user = DockerTests.container(USER, "sleep", "600").withCreateContainerCmdModifier(c -> c.withUser("1000:1000"));
        sleep.start();
        init.start();
        user.start();
    }

    @AfterAll
    static void stop() {
        for (GenericContainer<?> c : new GenericContainer<?>[] {sleep, init, user}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    @BeforeEach
    void prerequisites() {
        Live.requireRoot();
        DockerTests.requireDocker();
        Live.require(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "util-linux setpriv and unshare are needed");
        chart = Chart.render(null);
        @SuppressWarnings("unchecked")
        List<String> add = (List<String>) at(chart.agent(), "securityContext", "capabilities", "add");
        chartCaps = add;
        assertThat(at(chart.agent(), "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));
    }

    @Test
    void withTheChartsCapabilitiesItFindsTheContainersTheirNamesAndTheirPid1Health() throws Exception {
        try (DaemonSetRun run = DaemonSetRun.start(chart, chartCaps, "500ms")) {
            JsonNode doc = run.awaitContainers(d -> container(d, SLEEP) != null && container(d, INIT) != null
                    && hasFinding(container(d, SLEEP), "pid1-sigterm-dropped")
                    && container(d, USER) != null && hasFinding(container(d, USER), "pid1-sigterm-dropped"), Duration.ofSeconds(90));

            // it ran as the DaemonSet's container would: exactly the chart's capabilities, no new privileges,
            // a cgroup namespace of its own
            String status = Files.readString(Path.of("/proc/" + run.process.pid() + "/status"));
            assertThat(capEff(status)).isEqualTo(mask(chartCaps));
            assertThat(status).contains("NoNewPrivs:\t1");
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + run.process.pid() + "/ns/cgroup")))
                    .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")));

            // and saw the filesystems the pod would: read-only root and host mounts, /tmp its own, of
            // /var/lib/docker only containers/
            java.util.Map<String, String[]> mounts = mountinfo(run.process.pid());
            assertThat(mounts.get("/")[0].split(",")).contains("ro");
            assertThat(mounts.get("/tmp")[1]).isEqualTo("tmpfs");
            assertThat(mounts.get(run.dir + "/host/proc")).satisfies(m -> {
                assertThat(m[0].split(",")).contains("ro");
                assertThat(m[1]).isEqualTo("proc");
            });
            assertThat(mounts.get(run.dir + "/host/sys")).satisfies(m -> {
                assertThat(m[0].split(",")).contains("ro");
                assertThat(m[1]).isEqualTo("sysfs");
            });
            assertThat(mounts.get("/var/lib/docker")[1]).isEqualTo("tmpfs");
            assertThat(mounts.get("/var/lib/docker/containers")[0].split(",")).contains("ro");

            JsonNode node = doc.get("node");
            assertThat(node.get("warnings")).as(node.toString()).isEmpty();
            assertThat(node.get("scanErrors").get("permission").asLong()).isZero();
            // the kernel's process events: host pid and user namespaces, NET_ADMIN (needed before Linux 6.6)
            assertThat(run.metric("nscope_event_source_up")).as("listening to process events").isEqualTo(1.0);

            for (GenericContainer<?> c : List.of(sleep, init, user)) {
                JsonNode j = container(doc, name(c));
                assertThat(j.get("id").asString()).isEqualTo(c.getContainerId());
                assertThat(j.get("runtime").asString()).isEqualTo("docker");
                assertThat(j.get("image").asString()).isEqualTo(DockerTests.IMAGE);
                assertThat(j.get("cgroupPath").asString()).isEqualTo("/docker/" + c.getContainerId());
                long pid = c.getContainerInfo().getState().getPidLong();
                assertThat(j.get("pid1").get("hostPid").asLong()).isEqualTo(pid);
                assertThat(j.get("namespaces").get("pid").get("inode").asLong()).isEqualTo(nsInode(pid, "pid"));
                assertThat(j.get("namespaces").get("pid").get("sharedWithHost").asBoolean()).isFalse();
                assertThat(rules(j)).contains("host-user-namespace");
            }
            JsonNode s = container(doc, SLEEP);
            assertThat(s.get("pid1").get("comm").asString()).isEqualTo("sleep");
            assertThat(s.get("pid1").get("catchesSigterm").asBoolean()).isFalse();
            JsonNode dropped = finding(s, "pid1-sigterm-dropped");
            assertThat(dropped.get("evidence").get("syscall").isNull()).as("syscall read with ptrace rights").isFalse();
            assertThat(dropped.get("evidence").get("exe").isNull()).isFalse();
            JsonNode u = finding(container(doc, USER), "pid1-sigterm-dropped");
            assertThat(u.get("evidence").get("syscall").isNull()).as("a uid 1000 PID 1's syscall, with DAC_READ_SEARCH").isFalse();

            JsonNode i = container(doc, INIT);
            assertThat(i.get("pid1").get("initKind").asString()).isEqualTo("docker-init");
            assertThat(i.get("pid1").get("catchesSigterm").asBoolean()).isTrue();
            assertThat(rules(i)).doesNotContain("pid1-sigterm-dropped", "pid1-signals-not-forwarded");

            assertThat(run.oomKills()).as("OOM kills under the chart's memory limit").isIn(0L, -1L);
            System.out.printf("DaemonSet-equivalent, caps %s: %d processes, warnings %s, permission errors %d, "
                            + "findings sleep=%s init=%s, memory peak %d MiB of %d MiB%n", chartCaps,
                    node.get("processes").asInt(), node.get("warnings"), node.get("scanErrors").get("permission").asLong(),
                    rules(s), rules(i), run.memoryPeak() >> 20, run.memoryLimit >> 20);
        }
    }

    @Test
    void withoutSysPtraceItStillFindsTheContainersButSaysWhatItCannotSee() throws Exception {
        List<String> caps = new ArrayList<>(chartCaps);
        assertThat(caps.remove("SYS_PTRACE")).isTrue();
        try (DaemonSetRun run = DaemonSetRun.start(chart, caps, "500ms")) {
            // at least four scans after both containers were first seen: PID-1 verdicts need two looks
            Set<String> scans = new HashSet<>();
            JsonNode doc = run.awaitContainers(d -> {
                if (container(d, SLEEP) != null && container(d, INIT) != null) {
                    scans.add(d.get("node").get("scannedAt").asString());
                }
                return scans.size() >= 4;
            }, Duration.ofSeconds(90));

            String status = Files.readString(Path.of("/proc/" + run.process.pid() + "/status"));
            assertThat(capEff(status)).isEqualTo(mask(caps));

            JsonNode node = doc.get("node");
            List<String> warnings = new ArrayList<>();
            node.get("warnings").forEach(w -> warnings.add(w.asString()));
            // it says so: the links it was refused, and where the host's namespaces came from
            assertThat(warnings).anyMatch(w -> w.contains("could not be read") && w.contains("CAP_SYS_PTRACE"));
            assertThat(warnings).anyMatch(w -> w.startsWith("host namespaces"));
            // counted as refused (a pass counts what it tried; later passes skip what cannot have changed)
            assertThat(run.metric("nscope_scan_errors_total{kind=\"permission\"}")).isPositive();

            for (GenericContainer<?> c : List.of(sleep, init)) {
                JsonNode j = container(doc, name(c));
                // still found, named and pictured: cgroup files and runtime metadata need no ptrace
                assertThat(j.get("id").asString()).isEqualTo(c.getContainerId());
                assertThat(j.get("image").asString()).isEqualTo(DockerTests.IMAGE);
                assertThat(j.get("pid1").get("hostPid").asLong()).isEqualTo(c.getContainerInfo().getState().getPidLong());
                // namespaces unknown, not guessed; so no host-* finding either way
                for (String type : List.of("pid", "net", "mnt", "uts", "ipc", "user")) {
                    assertThat(j.get("namespaces").get(type).get("inode").isNull()).as(type).isTrue();
                    assertThat(j.get("namespaces").get(type).get("sharedWithHost").isNull()).as(type).isTrue();
                }
                assertThat(rules(j)).noneMatch(r -> r.startsWith("host-"));
                assertThat(j.get("pid1").get("exe").isNull()).isTrue();
            }
            // the --init container: docker-init is known to wait for signals, so SIGTERM is judged delivered
            JsonNode i = container(doc, INIT);
            assertThat(i.get("pid1").get("catchesSigterm").asBoolean()).isTrue();
            assertThat(rules(i)).doesNotContain("pid1-sigterm-dropped");
            // the sleep container: without ptrace rights its wait cannot be seen and sleep is no known program,
            // so nscope does not claim SIGTERM is dropped: catchesSigterm is unknown and there is no finding
            JsonNode s = container(doc, SLEEP);
            JsonNode dropped = findingOrNull(s, "pid1-sigterm-dropped");
            assertThat(dropped).as("no finding it cannot prove").isNull();
            assertThat(s.get("pid1").get("catchesSigterm").isNull()).isTrue();
            System.out.printf("DaemonSet-equivalent, caps %s: %d processes, warnings %s, permission errors %d, "
                            + "findings sleep=%s (verdict %s) init=%s%n", caps, node.get("processes").asInt(), warnings,
                    (long) run.metric("nscope_scan_errors_total{kind=\"permission\"}"), rules(s),
                    "none", rules(i));
        }
    }

    @Test
    void withoutDacReadSearchTheSyscallOfANonRootPid1IsRefused() throws Exception {
        List<String> caps = new ArrayList<>(chartCaps);
        assertThat(caps.remove("DAC_READ_SEARCH")).isTrue();
        try (DaemonSetRun run = DaemonSetRun.start(chart, caps, "500ms")) {
            JsonNode doc = run.awaitContainers(d -> container(d, USER) != null && hasFinding(container(d, USER), "pid1-sigterm-dropped")
                    && container(d, SLEEP) != null && hasFinding(container(d, SLEEP), "pid1-sigterm-dropped"), Duration.ofSeconds(90));
            JsonNode node = doc.get("node");
            // /proc/<pid>/syscall is 0400 and owned by the process's uid: root without DAC_READ_SEARCH may not open it
            assertThat(run.metric("nscope_scan_errors_total{kind=\"permission\"}")).isPositive();
            JsonNode u = finding(container(doc, USER), "pid1-sigterm-dropped").get("evidence");
            assertThat(u.get("syscall").isNull()).isTrue();
            // wchan (0444) still tells the wait, so the verdict still stands on what was seen
            assertThat(u.get("wchan").isNull()).isFalse();
            JsonNode s = finding(container(doc, SLEEP), "pid1-sigterm-dropped").get("evidence");
            assertThat(s.get("syscall").isNull()).as("a root PID 1's syscall needs no DAC_READ_SEARCH").isFalse();
            // namespace links need ptrace rights only
            assertThat(container(doc, USER).get("namespaces").get("pid").get("inode").isNull()).isFalse();
            System.out.printf("DaemonSet-equivalent, caps %s: %d processes, warnings %s, permission errors %d, "
                            + "uid-1000 PID 1 syscall unread, wchan %s%n", caps, node.get("processes").asInt(), node.get("warnings"),
                    (long) run.metric("nscope_scan_errors_total{kind=\"permission\"}"), u.get("wchan"));
        }
    }

    private static String name(GenericContainer<?> c) {
        return c == sleep ? SLEEP : c == init ? INIT : USER;
    }

    static JsonNode container(JsonNode doc, String name) {
        for (JsonNode c : doc.get("containers")) {
            if (name.equals(c.get("name").asString(null))) {
                return c;
            }
        }
        return null;
    }

    static List<String> rules(JsonNode container) {
        List<String> out = new ArrayList<>();
        container.get("findings").forEach(f -> out.add(f.get("rule").asString()));
        return out;
    }

    static boolean hasFinding(JsonNode container, String rule) {
        return findingOrNull(container, rule) != null;
    }

    static JsonNode findingOrNull(JsonNode container, String rule) {
        for (JsonNode f : container.get("findings")) {
            if (rule.equals(f.get("rule").asString())) {
                return f;
            }
        }
        return null;
    }

    static JsonNode finding(JsonNode container, String rule) {
        JsonNode f = findingOrNull(container, rule);
        assertThat(f).as(rule + " in " + container).isNotNull();
        return f;
    }

    private static long capEff(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        throw new AssertionError("no CapEff in " + status);
    }

    /** capabilities(7) numbers of the capabilities the chart may name. */
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

    /** Mount point -> {per-mount options, fstype} of the topmost mount there, from /proc/PID/mountinfo. */
    private static java.util.Map<String, String[]> mountinfo(long pid) throws IOException {
        java.util.Map<String, String[]> m = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            m.put(f[4].replace("\\040", " "), new String[] {f[5], f[dash + 1]});
        }
        return m;
    }

    private static long nsInode(long pid, String type) throws IOException {
        String l = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        return Long.parseLong(l.substring(l.indexOf('[') + 1, l.length() - 1));
    }
}
