package dev.nscope.pid1;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.DockerTests;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.lifecycle.Startables;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static dev.nscope.rules.RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
import static dev.nscope.rules.RuleCatalog.PID1_SIGTERM_DROPPED;
import static dev.nscope.rules.RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PID 1 verdicts against the real kernel, on real Docker containers (Testcontainers, the local
 * dockerd, the local image with busybox, tini, catatonit and dumb-init): every case is started at once,
 * the live host is scanned with the full {@link Scanner} until each has settled, then once more after
 * the zombie grace; each container's PID 1 findings are checked, and then the prediction is checked
 * against reality: every container is stopped with {@code docker stop -t 3} (all at once) and timed.
 * A container flagged {@code pid1-sigterm-dropped} must take the whole 3 s and end SIGKILLed (exit
 * 137); any other must stop well before. The table of cases and stop times is printed and written to
 * {@code target/pid1-stop-times.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivePid1DockerTest {
    static final Duration GRACE = Duration.ofMillis(500);
    static final int STOP_TIMEOUT = 3;
    static final String SHELL_WAITING = "sleep 600 & sleep 600 & wait";

    /**
     * One container and what it should be found to be.
     *
     * @param kind       the expected {@code pid1.initKind}, null when it has no PID 1 of its own
     * @param catches    the expected {@code pid1.catchesSigterm}
     * @param rules      the expected pid1-* findings, in rule order
     * @param processes  how many processes it has once settled
     * @param zombies    how many of them are zombies once settled
     */
    record Case(String name, String kind, Boolean catches, List<String> rules, int processes, int zombies,
                GenericContainer<?> container) {
        String id() {
            return container.getContainerId();
        }
    }

    record Stop(double seconds, long exitCode) {
    }

    static final Map<String, Case> CASES = new LinkedHashMap<>();
    static ScanSnapshot settled;
    static ScanSnapshot last;
    static int looks;

    @BeforeAll
    static void startAndScan() throws Exception {
        DockerTests.requireDocker();
        add("p1-shell", "shell", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()), 3, 0,
                DockerTests.container("p1-shell", "sh", "-c", SHELL_WAITING));
        add("p1-init", "docker-init", true, List.of(), 4, 0,
                DockerTests.container("p1-init", h -> h.withInit(true), "sh", "-c", SHELL_WAITING));
        add("p1-tini", "tini", true, List.of(), 2, 0,
                DockerTests.container("p1-tini", "/bin/tini", "--", "sleep", "600"));
        add("p1-catatonit", "catatonit", true, List.of(), 2, 0,
                DockerTests.container("p1-catatonit", "/bin/catatonit", "--", "sleep", "600"));
        add("p1-dumb-init", "dumb-init", true, List.of(), 2, 0,
                DockerTests.container("p1-dumb-init", "/bin/dumb-init", "sleep", "600"));
        add("p1-zombies", "unknown", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_ZOMBIES_NOT_REAPED.id()), 3, 2,
                DockerTests.container("p1-zombies", "sh", "-c", "(sleep 0.2 &); (sleep 0.2 &); exec sleep 600"));
        add("p1-trap", "shell", true, List.of(PID1_SIGNALS_NOT_FORWARDED.id()), 2, 0,
                DockerTests.container("p1-trap", "sh", "-c", "trap \"exit 0\" TERM; sleep 600 & wait"));
        add("p1-hostpid", null, null, List.of(), 1, 0,
                DockerTests.container("p1-hostpid", h -> h.withPidMode("host"), "sleep", "600"));
        add("p1-stopsig", "unknown", false, List.of(PID1_SIGTERM_DROPPED.id()), 1, 0,
                DockerTests.container("p1-stopsig", "sleep", "600").withCreateContainerCmdModifier(c -> c.withStopSignal("SIGUSR1")));
        add("p1-sleep", "unknown", false, List.of(PID1_SIGTERM_DROPPED.id()), 1, 0,
                DockerTests.container("p1-sleep", "sleep", "600"));

        DockerClient docker = DockerClientFactory.instance().client();
        for (String name : CASES.keySet()) {
            try {
                docker.removeContainerCmd(name).withForce(true).exec(); // left over from an aborted run
            } catch (NotFoundException e) {
                // the usual case
            }
        }
        Startables.deepStart(CASES.values().stream().map(Case::container)).join();

        ScanOptions options = ScanOptions.defaults().withZombieGrace(GRACE);
        Scanner scanner = new Scanner(HostPaths.live(), options);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        do {
            settled = scanner.scan();
            looks++;
            if (allSettled(settled)) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        // the look that confirms the verdicts (two in a row) and finds the zombies older than the grace
        Thread.sleep(GRACE.toMillis() + 50);
        last = scanner.scan();
        looks++;
    }

    private static void add(String name, String kind, Boolean catches, List<String> rules, int processes, int zombies,
                            GenericContainer<?> c) {
        CASES.put(name, new Case(name, kind, catches, rules, processes, zombies, c));
    }

    private static boolean allSettled(ScanSnapshot s) {
        for (Case c : CASES.values()) {
            Optional<ContainerSnapshot> found = s.find(c.id());
            if (found.isEmpty() || found.get().processes().total() != c.processes()
                    || found.get().processes().zombies() != c.zombies()) {
                return false;
            }
        }
        return true;
    }

    @AfterAll
    static void remove() {
        for (Case c : CASES.values()) {
            c.container().stop();
        }
        CASES.clear();
    }

    static ContainerSnapshot found(String name) {
        return last.find(CASES.get(name).id()).orElseThrow(() -> new AssertionError("no container " + name));
    }

    static List<String> pid1Rules(ContainerSnapshot c) {
        return c.findings().stream().map(Finding::rule).filter(r -> r.startsWith("pid1-")).toList();
    }

    static Finding finding(ContainerSnapshot c, String rule) {
        return c.findings().stream().filter(f -> f.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " on " + c.name() + ": " + c.findings()));
    }

    @SuppressWarnings("unchecked")
    static List<String> signals(Finding f, String mask) {
        return (List<String>) ((Map<String, Object>) f.evidence().get(mask)).get("signals");
    }

    @Test
    @Order(1)
    void everyCaseGetsTheFindingsOfItsPid1() {
        assertThat(allSettled(settled)).as("all cases settled (processes, zombies) after %d looks", looks).isTrue();
        SoftAssertions soft = new SoftAssertions();
        for (Case c : CASES.values()) {
            ContainerSnapshot s = found(c.name());
            soft.assertThat(s.name()).isEqualTo(c.name());
            if (c.kind() == null) {
                soft.assertThat(s.pid1()).as(c.name()).isNull();
            } else {
                soft.assertThat(s.pid1()).as(c.name()).isNotNull();
                if (s.pid1() != null) {
                    soft.assertThat(s.pid1().hostPid()).as(c.name())
                            .isEqualTo(c.container().getCurrentContainerInfo().getState().getPid().intValue());
                    soft.assertThat(s.pid1().initKind()).as(c.name() + " initKind").isEqualTo(c.kind());
                    soft.assertThat(s.pid1().catchesSigterm()).as(c.name() + " catchesSigterm").isEqualTo(c.catches());
                }
            }
            soft.assertThat(pid1Rules(s)).as(c.name() + " findings " + s.findings()).isEqualTo(c.rules());
        }
        soft.assertAll();
    }

    @Test
    @Order(2)
    void theEvidenceIsWhatTheKernelShows() {
        ContainerSnapshot shell = found("p1-shell");
        Finding dropped = finding(shell, PID1_SIGTERM_DROPPED.id());
        assertThat(dropped.evidence().get("identifiedBy")).isEqualTo("exe /bin/busybox, applet sh");
        assertThat(dropped.evidence().get("verdict")).isEqualTo("default-action");
        assertThat(signals(dropped, "sigCgt")).containsExactly("SIGINT", "SIGCHLD");
        assertThat(signals(dropped, "sigBlk")).isEmpty();
        assertThat((String) dropped.evidence().get("syscall")).startsWith("130"); // rt_sigsuspend
        assertThat(dropped.evidence().get("wchan")).asString().contains("sigsuspend");
        Finding notForwarded = finding(shell, PID1_SIGNALS_NOT_FORWARDED.id());
        assertThat(notForwarded.evidence().get("childCount")).isEqualTo(2);
        assertThat(shell.pid1().children()).isEqualTo(2);

        ContainerSnapshot trap = found("p1-trap");
        assertThat(finding(trap, PID1_SIGNALS_NOT_FORWARDED.id()).evidence().get("catchesSigterm")).isEqualTo(true);
        assertThat((String) finding(trap, PID1_SIGNALS_NOT_FORWARDED.id()).evidence().get("reason")).contains("traps SIGTERM");

        ContainerSnapshot zombies = found("p1-zombies");
        Finding z = finding(zombies, PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(z.evidence().get("zombies")).isEqualTo(2);
        assertThat(z.evidence().get("pidsMax")).as("no pids limit").isNull();
        assertThat((double) z.evidence().get("oldestAgeSeconds")).isGreaterThanOrEqualTo(GRACE.toMillis() / 1000.0);
        assertThat(zombies.processes().zombies()).isEqualTo(2);
        assertThat(zombies.pid1().children()).as("zombies are no live children").isZero();

        Finding usr1 = finding(found("p1-stopsig"), PID1_SIGTERM_DROPPED.id());
        assertThat(usr1.evidence().get("stopSignal")).isEqualTo("SIGUSR1");
        assertThat(usr1.message()).contains("will not receive SIGUSR1");
        assertThat(finding(found("p1-sleep"), PID1_SIGTERM_DROPPED.id()).evidence().get("stopSignal")).isEqualTo("SIGTERM");

        assertThat(found("p1-init").pid1().comm()).isEqualTo("docker-init");
        assertThat(found("p1-init").pid1().exe()).isEqualTo("/sbin/docker-init");
        assertThat(found("p1-init").pid1().children()).isEqualTo(1);
        assertThat(found("p1-catatonit").pid1().exe()).isEqualTo("/bin/catatonit");

        ContainerSnapshot hostPid = found("p1-hostpid");
        assertThat(hostPid.findings()).extracting(Finding::rule).contains("host-pid-namespace");
    }

    @Test
    @Order(3)
    void everyFlaggedContainerIsKilledAfterTheTimeoutAndNoOtherIs() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        Map<String, CompletableFuture<Stop>> stops = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CASES.size());
        try {
            for (Case c : CASES.values()) {
                stops.put(c.name(), CompletableFuture.supplyAsync(() -> {
                    long t0 = System.nanoTime();
                    docker.stopContainerCmd(c.id()).withTimeout(STOP_TIMEOUT).exec();
                    double s = (System.nanoTime() - t0) / 1e9;
                    Long exit = docker.inspectContainerCmd(c.id()).exec().getState().getExitCodeLong();
                    return new Stop(s, exit == null ? -1 : exit);
                }, pool));
            }
            CompletableFuture.allOf(stops.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }

        List<String> table = new ArrayList<>();
        table.add(String.format("%-13s | %-52s | %-52s | %6s | %4s", "case", "expected (initKind catches findings)",
                "found (initKind catches findings)", "stop s", "exit"));
        SoftAssertions soft = new SoftAssertions();
        for (Case c : CASES.values()) {
            ContainerSnapshot s = found(c.name());
            Stop stop = stops.get(c.name()).get();
            List<String> rules = pid1Rules(s);
            String expected = describe(c.kind(), c.catches(), c.rules());
            String got = s.pid1() == null ? describe(null, null, rules) : describe(s.pid1().initKind(), s.pid1().catchesSigterm(), rules);
            table.add(String.format("%-13s | %-52s | %-52s | %6.2f | %4d", c.name(), expected, got, stop.seconds(), stop.exitCode()));
            if (rules.contains(PID1_SIGTERM_DROPPED.id())) {
                soft.assertThat(stop.seconds()).as(c.name() + " flagged: killed after the full timeout").isGreaterThanOrEqualTo(2.9);
                soft.assertThat(stop.exitCode()).as(c.name() + " flagged: SIGKILLed").isEqualTo(137);
            } else {
                // well before the timeout that the flagged ones wait out (docker's own overhead grows on a loaded machine)
                soft.assertThat(stop.seconds()).as(c.name() + " not flagged: stops on its stop signal").isLessThan(STOP_TIMEOUT - 0.5);
                soft.assertThat(stop.exitCode()).as(c.name() + " not flagged: not SIGKILLed").isNotEqualTo(137);
            }
        }
        String text = String.join("\n", table) + "\n";
        System.out.println("docker stop -t " + STOP_TIMEOUT + " of each case, all at once (" + looks + " looks before):\n" + text);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "pid1-stop-times.txt"), text);
        soft.assertAll();
    }

    static String describe(String kind, Boolean catches, List<String> rules) {
        String r = rules.stream().map(x -> x.substring("pid1-".length())).collect(Collectors.joining(","));
        return (kind == null ? "no-pid1" : kind) + " " + (kind == null ? "-" : String.valueOf(catches)) + " [" + r + "]";
    }
}
