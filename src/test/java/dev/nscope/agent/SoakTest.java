package dev.nscope.agent;

import com.github.dockerjava.api.DockerClient;
import dev.nscope.snapshot.ScanService;
import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.DockerClientFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Churn: namespaced sandboxes and Docker containers started and stopped continuously while the agent
 * scans every second and is scraped and queried in parallel. Every scan must succeed, every container
 * alive across a whole scan must be in it, every one stopped before a scan began must be gone from it,
 * and after the churn the metric series and the heap (after a full GC) come back to their baseline.
 * {@code -Dnscope.soak.seconds=600} (bench/soak.sh) runs the long version; the suite runs 30 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SoakTest {
    static final JsonMapper JSON = new JsonMapper();
    static final long SECONDS = Long.getLong("nscope.soak.seconds", 30);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("nscope.scan-interval", () -> "1s");
    }

    @LocalServerPort
    int port;
    @Autowired
    ScanService service;

    /** A churned container: its id as nscope names it, and when it lived. */
    static final class Life {
        final String id;
        final Instant started;
        /** A sandbox's PID 1 (namespace inodes are reused by the kernel once freed; a pid and inode pair is not soon); 0 for Docker. */
        volatile long pid1;
        /** When stopping began (kill sent, docker rm called): from then on it may or may not be in a scan. */
        volatile Instant stopping;
        /** When it had surely stopped: its processes gone (or dead and awaiting reaping by the host's init). */
        volatile Instant stopped;

        Life(String id, Instant started) {
            this.id = id;
            this.started = started;
        }
    }

    final Map<String, Life> lives = new ConcurrentHashMap<>();
    final AtomicLong badResponses = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicBoolean running = new AtomicBoolean(true);

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    long series() throws Exception {
        return get("/actuator/prometheus").body().lines().filter(l -> l.startsWith("nscope_container")).count();
    }

    /** Per-container series counts, by the id label. */
    Map<String, Long> seriesById() throws Exception {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (String l : get("/actuator/prometheus").body().lines().filter(l -> l.startsWith("nscope_container")).toList()) {
            int i = l.indexOf("id=\"");
            if (i >= 0) {
                m.merge(l.substring(i + 4, l.indexOf('"', i + 4)), 1L, Long::sum);
            }
        }
        return m;
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void churnNeverBreaksAScanAndLeavesNothingBehind() throws Exception {
        Live.requireRoot();
        DockerTests.requireDocker();
        DockerClient docker = DockerClientFactory.instance().client();
        Thread.sleep(2500);
        long baselineSeries = series();
        Map<String, Long> baselineById = seriesById();
        long baselineHeap = heapAfterGc();
        long failedBefore = service.totals().failed();

        List<Thread> threads = new ArrayList<>();
        threads.add(start(this::sandboxChurn));
        threads.add(start(() -> dockerChurn(docker)));
        for (String path : List.of("/actuator/prometheus", "/actuator/containers")) {
            threads.add(start(() -> {
                while (running.get()) {
                    try {
                        requests.incrementAndGet();
                        if (get(path).statusCode() != 200) {
                            badResponses.incrementAndGet();
                        }
                        Thread.sleep(100);
                    } catch (Exception e) {
                        badResponses.incrementAndGet();
                    }
                }
            }));
        }
        List<String> problems = new ArrayList<>();
        int snapshots = 0;
        String lastScan = "";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (System.nanoTime() < end) {
            JsonNode doc = JSON.readTree(get("/actuator/containers").body());
            String scannedAt = doc.get("node").get("scannedAt").asString();
            if (!scannedAt.equals(lastScan)) {
                lastScan = scannedAt;
                snapshots++;
                problems.addAll(check(doc));
            }
            Thread.sleep(150);
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (Life l : lives.values()) {
            if (l.stopped == null) {
                problems.add("churn left " + l.id + " running");
            }
        }
        long started = lives.size();
        Thread.sleep(3500);

        assertThat(problems).as("over " + snapshots + " scans of " + started + " churned containers").isEmpty();
        assertThat(service.totals().failed() - failedBefore).as("failed scans").isZero();
        assertThat(badResponses.get()).as("failed requests of " + requests.get()).isZero();
        // at least one a second, what a loaded 2-core machine manages with the scans and requests going on
        assertThat(started).as("containers churned").isGreaterThanOrEqualTo(SECONDS);
        // back to the baseline: no series of a churned container is left, and the others have what they had
        // (other tests may run their own containers on the shared engine meanwhile: compare those present at both ends)
        Map<String, Long> after = seriesById();
        assertThat(after.keySet()).as("series of churned containers").doesNotContainAnyElementsOf(lives.keySet());
        for (Map.Entry<String, Long> e : baselineById.entrySet()) {
            if (after.containsKey(e.getKey())) {
                assertThat(after.get(e.getKey())).as("series of " + e.getKey()).isEqualTo(e.getValue());
            }
        }
        if (after.keySet().equals(baselineById.keySet())) {
            assertThat(series()).as("metric series back to the baseline").isEqualTo(baselineSeries);
        }
        long heap = heapAfterGc();
        System.out.printf("soak: %d s, %d containers started and stopped, %d scans checked, %d requests; series %d -> %d; "
                + "heap after GC %d -> %d KiB%n", SECONDS, started, snapshots, requests.get(), baselineSeries, series(),
                baselineHeap / 1024, heap / 1024);
        assertThat(heap).as("heap after a full GC back near the baseline").isLessThan(baselineHeap + (24L << 20));
    }

    /** Problems with one snapshot: a container alive across the whole scan missing, or one stopped before it began present. */
    List<String> check(JsonNode doc) {
        Instant scanEnd = Instant.parse(doc.get("node").get("scannedAt").asString());
        Instant scanStart = scanEnd.minusMillis(doc.get("node").get("scanMillis").asLong());
        Set<String> ids = new HashSet<>();
        Map<String, Long> pid1s = new java.util.HashMap<>();
        for (JsonNode c : doc.get("containers")) {
            ids.add(c.get("id").asString());
            pid1s.put(c.get("id").asString(), c.get("pid1").isNull() ? 0L : c.get("pid1").get("hostPid").asLong());
        }
        List<String> problems = new ArrayList<>();
        Duration slack = Duration.ofMillis(300);
        for (Life l : lives.values()) {
            Instant stopped = l.stopped;
            Instant stopping = l.stopping;
            boolean aliveAcross = l.started.plus(slack).isBefore(scanStart) && (stopping == null || stopping.isAfter(scanEnd.plus(slack)));
            boolean goneBefore = stopped != null && stopped.plus(slack).isBefore(scanStart);
            if (aliveAcross && !ids.contains(l.id)) {
                problems.add(l.id + " (started " + l.started + ") alive across the scan " + scanStart + " .. " + scanEnd
                        + " but missing; that scan had " + ids.size() + " containers");
            }
            // a sandbox id seen again with another PID 1 is a new sandbox in a reused namespace inode
            boolean sameOne = l.pid1 == 0 || pid1s.getOrDefault(l.id, 0L) == l.pid1;
            if (goneBefore && ids.contains(l.id) && sameOne) {
                problems.add(l.id + " stopped at " + stopped + " but still in the scan of " + scanEnd);
            }
        }
        return problems;
    }

    /** About ten sandboxes a second, each living 0.3 to 3 s. */
    void sandboxChurn() {
        Random r = new Random(1);
        List<Object[]> alive = new ArrayList<>();
        try {
            while (running.get()) {
                Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "sleep", "60")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long child = 0;
                for (int i = 0; i < 100 && child == 0; i++) {
                    child = p.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(0L);
                    if (child == 0) {
                        Thread.sleep(5);
                    }
                }
                if (child != 0) {
                    String link = Files.readSymbolicLink(Path.of("/proc/" + child + "/ns/pid")).toString();
                    Life l = new Life("pidns-" + link.substring(link.indexOf('[') + 1, link.length() - 1), Instant.now());
                    l.pid1 = child;
                    lives.put(l.id, l);
                    alive.add(new Object[] {p, l, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + r.nextInt(2700)), child});
                }
                for (var it = alive.iterator(); it.hasNext(); ) {
                    Object[] a = it.next();
                    if (System.nanoTime() > (long) a[2]) {
                        stop((Process) a[0], (Life) a[1], (long) a[3]);
                        it.remove();
                    }
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            for (Object[] a : alive) {
                stop((Process) a[0], (Life) a[1], (long) a[3]);
            }
        }
    }

    /** Stops a sandbox; it has stopped when its PID 1 is gone from /proc (a busy kernel takes a while). */
    static void stop(Process p, Life l, long pid1) {
        l.stopping = Instant.now();
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
            // its PID 1 dies with unshare (--kill-child); the host's init reaps the zombie when it gets to it
            for (int i = 0; i < 500 && alive(pid1); i++) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        l.stopped = Instant.now();
    }

    /** True while the process exists and is not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Docker containers as fast as the engine takes them (a few a second here), each living 0.5 to 4 s. */
    void dockerChurn(DockerClient docker) {
        Random r = new Random(2);
        List<Object[]> alive = new ArrayList<>();
        int n = 0;
        try {
            while (running.get()) {
                String id = docker.createContainerCmd(DockerTests.IMAGE).withName("soak-" + ProcessHandle.current().pid() + "-" + n++)
                        .withCmd("sleep", "60").withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig()
                                .withNetworkMode("none")).exec().getId();
                docker.startContainerCmd(id).exec();
                Life l = new Life(id, Instant.now());
                lives.put(id, l);
                alive.add(new Object[] {id, l, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + r.nextInt(3500))});
                for (var it = alive.iterator(); it.hasNext(); ) {
                    Object[] a = it.next();
                    if (System.nanoTime() > (long) a[2]) {
                        remove(docker, (String) a[0], (Life) a[1]);
                        it.remove();
                    }
                }
                Thread.sleep(150);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Object[] a : alive) {
                remove(docker, (String) a[0], (Life) a[1]);
            }
        }
    }

    static void remove(DockerClient docker, String id, Life l) {
        l.stopping = Instant.now();
        docker.removeContainerCmd(id).withForce(true).exec();
        l.stopped = Instant.now();
    }
}
