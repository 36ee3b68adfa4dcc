package dev.nscope.pid1;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.Live;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.nscope.rules.RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
import static dev.nscope.rules.RuleCatalog.PID1_SIGTERM_DROPPED;
import static dev.nscope.rules.RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PID 1 verdicts against the real kernel on {@code unshare} sandboxes of this host: each program
 * runs as PID 1 of a fresh pid namespace, the full {@link Scanner} judges it (found as a
 * {@code sandbox} container), and then every sandbox PID 1 gets a real SIGTERM from the host
 * ({@code kill -TERM}, as a runtime sends it). A PID 1 flagged {@code pid1-sigterm-dropped} must still
 * be alive 3 s later; any other must have exited by then.
 */
class LivePid1SandboxTest {
    static final Duration GRACE = Duration.ofMillis(500);
    static final long TERM_WAIT_MILLIS = 3000;

    /** A sandbox and what it should be found to be; {@code processes} counts the unshare process too. */
    record Case(String name, String comm, String kind, boolean catches, List<String> rules, int processes, int zombies,
                String[] command) {
    }

    static String program(String path) {
        Live.require(Files.isExecutable(Path.of(path)), path + " is needed (Debian's tini, catatonit, dumb-init)");
        return path;
    }

    @Test
    void verdictsOfTheScannerAgreeWithARealSigtermFromTheHost() throws Exception {
        Live.requireRoot();
        List<Case> cases = List.of(
                new Case("sh waiting", "sh", "shell", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()), 3, 0,
                        new String[] {"sh", "-c", "sleep 600 & wait"}),
                new Case("sh trapping TERM", "sh", "shell", true, List.of(PID1_SIGNALS_NOT_FORWARDED.id()), 3, 0,
                        new String[] {"sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"}),
                new Case("tini-static -s", "tini-static", "tini", true, List.of(), 3, 0,
                        new String[] {program("/usr/bin/tini-static"), "-s", "--", "sleep", "600"}),
                new Case("dumb-init", "dumb-init", "dumb-init", true, List.of(), 3, 0,
                        new String[] {program("/usr/bin/dumb-init"), "sleep", "600"}),
                new Case("catatonit", "catatonit", "catatonit", true, List.of(), 3, 0,
                        new String[] {program("/usr/bin/catatonit"), "--", "sleep", "600"}),
                new Case("zombie leaker", "sleep", "unknown", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_ZOMBIES_NOT_REAPED.id()), 4, 2,
                        new String[] {"sh", "-c", "(sleep 0.2 &); (sleep 0.2 &); exec sleep 600"}),
                new Case("sleep", "sleep", "unknown", false, List.of(PID1_SIGTERM_DROPPED.id()), 2, 0,
                        new String[] {"sleep", "600"}));

        Map<Case, Live.Sandbox> sandboxes = new LinkedHashMap<>();
        try {
            for (Case c : cases) {
                sandboxes.put(c, Live.Sandbox.start(c.command()));
            }
            Map<Case, String> ids = new LinkedHashMap<>();
            for (Map.Entry<Case, Live.Sandbox> e : sandboxes.entrySet()) {
                ids.put(e.getKey(), "pidns-" + e.getValue().nsInode("pid"));
            }

            ScanOptions options = ScanOptions.defaults().withZombieGrace(GRACE);
            Scanner scanner = new Scanner(HostPaths.live(), options);
            ScanSnapshot s;
            int looks = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            do {
                s = scanner.scan();
                looks++;
                if (settled(s, ids)) {
                    break;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < deadline);
            assertThat(settled(s, ids)).as("all sandboxes settled after %d looks", looks).isTrue();
            Thread.sleep(GRACE.toMillis() + 50);
            ScanSnapshot last = scanner.scan();

            SoftAssertions soft = new SoftAssertions();
            Map<Case, List<String>> found = new LinkedHashMap<>();
            for (Case c : cases) {
                ContainerSnapshot cs = last.find(ids.get(c)).orElseThrow(() -> new AssertionError("no sandbox " + c.name()));
                List<String> rules = cs.findings().stream().map(Finding::rule).filter(r -> r.startsWith("pid1-")).toList();
                found.put(c, rules);
                soft.assertThat(cs.pid1().hostPid()).as(c.name()).isEqualTo((int) sandboxes.get(c).pid1);
                soft.assertThat(cs.pid1().initKind()).as(c.name() + " initKind").isEqualTo(c.kind());
                soft.assertThat(cs.pid1().catchesSigterm()).as(c.name() + " catchesSigterm").isEqualTo(c.catches());
                soft.assertThat(rules).as(c.name() + " findings " + cs.findings()).isEqualTo(c.rules());
                if (c.zombies() > 0) {
                    Finding z = cs.findings().stream().filter(f -> f.rule().equals(PID1_ZOMBIES_NOT_REAPED.id())).findFirst().orElse(null);
                    soft.assertThat(z).as(c.name()).isNotNull();
                    if (z != null) {
                        soft.assertThat(z.evidence().get("zombies")).as(c.name()).isEqualTo(c.zombies());
                    }
                }
            }

            // the real SIGTERM, to every sandbox's PID 1 at once
            List<String> kill = new ArrayList<>(List.of("kill", "-TERM"));
            sandboxes.values().forEach(sb -> kill.add(Long.toString(sb.pid1)));
            long t0 = System.nanoTime();
            assertThat(new ProcessBuilder(kill).start().waitFor()).isZero();
            // when each exits: ProcessHandle watches a non-child by polling, so this is close, not exact
            Map<Case, CompletableFuture<Long>> exits = new LinkedHashMap<>();
            for (Case c : cases) {
                Optional<ProcessHandle> h = ProcessHandle.of(sandboxes.get(c).pid1);
                exits.put(c, h.map(p -> p.onExit().thenApply(x -> System.nanoTime()))
                        .orElse(CompletableFuture.completedFuture(System.nanoTime())));
            }
            List<String> table = new ArrayList<>();
            table.add(String.format("%-17s | %-10s | %-7s | %-50s | %s", "sandbox", "initKind", "catches", "findings", "after kill -TERM"));
            for (Case c : cases) {
                long left = Math.max(0, TERM_WAIT_MILLIS - (System.nanoTime() - t0) / 1_000_000);
                String outcome;
                boolean exited;
                try {
                    long at = exits.get(c).get(left, TimeUnit.MILLISECONDS);
                    exited = true;
                    outcome = String.format("exited in %.2f s", (at - t0) / 1e9);
                } catch (TimeoutException e) {
                    exited = false;
                    outcome = "alive after " + TERM_WAIT_MILLIS / 1000 + " s";
                }
                boolean flagged = found.get(c).contains(PID1_SIGTERM_DROPPED.id());
                soft.assertThat(exited).as("%s: flagged %s, yet %s", c.name(), flagged, outcome).isEqualTo(!flagged);
                table.add(String.format("%-17s | %-10s | %-7s | %-50s | %s", c.name(), c.kind(), c.catches(), found.get(c), outcome));
            }
            String text = String.join("\n", table) + "\n";
            System.out.println("unshare sandboxes, kill -TERM of each PID 1 from the host (" + (looks + 1) + " looks before):\n" + text);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "pid1-sandbox-sigterm.txt"), text);
            soft.assertAll();
        } finally {
            for (Live.Sandbox sb : sandboxes.values()) {
                sb.close();
            }
        }
    }

    private static boolean settled(ScanSnapshot s, Map<Case, String> ids) {
        for (Map.Entry<Case, String> e : ids.entrySet()) {
            Case c = e.getKey();
            Optional<ContainerSnapshot> cs = s.find(e.getValue());
            if (cs.isEmpty() || cs.get().pid1() == null || !c.comm().equals(cs.get().pid1().comm())
                    || cs.get().processes().total() != c.processes() || cs.get().processes().zombies() != c.zombies()) {
                return false;
            }
        }
        return true;
    }
}
