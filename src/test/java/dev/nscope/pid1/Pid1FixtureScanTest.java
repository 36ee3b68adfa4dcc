package dev.nscope.pid1;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.rules.Severity;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nscope.rules.RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
import static dev.nscope.rules.RuleCatalog.PID1_SIGTERM_DROPPED;
import static dev.nscope.rules.RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PID 1 rules through the whole {@link Scanner} (grouping, runtime metadata, cgroup pids figures,
 * the looks over scans) on the captured v2 trees, where {@link RealCapturesTest} feeds the analyzer by
 * hand: two scans with a zombie grace of 0, as the {@code scan} command's second look does.
 */
class Pid1FixtureScanTest {
    static final RuntimeDirs NO_RUNTIME_DIRS = new RuntimeDirs(Path.of("/nonexistent"), Path.of("/nonexistent"), List.of(),
            Path.of("/nonexistent"));

    /** The second of two scans of a captured tree. */
    static ScanSnapshot twoScans(HostPaths paths) {
        Scanner scanner = new Scanner(paths, ScanOptions.defaults().withRuntimeDirs(NO_RUNTIME_DIRS).withZombieGrace(Duration.ZERO));
        ScanSnapshot first = scanner.scan();
        assertThat(first.containers()).as("one look never flags a PID 1")
                .allSatisfy(c -> assertThat(pid1Rules(c)).isEmpty())
                .allSatisfy(c -> assertThat(c.pid1() == null ? null : c.pid1().catchesSigterm()).isNull());
        return scanner.scan();
    }

    static List<String> pid1Rules(ContainerSnapshot c) {
        return c.findings().stream().map(Finding::rule).filter(r -> r.startsWith("pid1-")).toList();
    }

    static Finding finding(ContainerSnapshot c, String rule) {
        return c.findings().stream().filter(f -> f.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " in " + c.findings()));
    }

    static ContainerSnapshot byCgroup(ScanSnapshot s, String cgroup) {
        return s.containers().stream().filter(c -> cgroup.equals(c.cgroupPath())).findFirst()
                .orElseThrow(() -> new AssertionError("no container in " + cgroup));
    }

    @Test
    void v2CasesEveryVerdictOfTheScannerAgreesWithARealSigterm() throws IOException {
        Path host = Fixtures.unpack(Fixtures.V2_CASES).resolve("host");
        ScanSnapshot s = twoScans(Fixtures.paths(Fixtures.V2_CASES, "host"));
        Map<String, String> reality = new HashMap<>();
        for (String line : Files.readAllLines(host.resolve("sigterm-reality.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (!line.startsWith("#") && w.length == 4) {
                reality.put(w[0], w[3]);
            }
        }
        Map<String, List<String>> expected = Map.of(
                "tini", List.of(),
                "pause", List.of(),
                "trapapp", List.of(PID1_SIGNALS_NOT_FORWARDED.id()),
                "zombies", List.of(PID1_SIGTERM_DROPPED.id(), PID1_ZOMBIES_NOT_REAPED.id()),
                "limits", List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()),
                "sandbox", List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()),
                "hostpid", List.of(),
                "shell", List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()),
                "python", List.of(PID1_SIGTERM_DROPPED.id()));
        int judged = 0;
        for (String line : Files.readAllLines(host.resolve("cases.txt"))) {
            String[] w = line.trim().split("\\s+");
            String name = w[0];
            String outcome = reality.get(name);
            assertThat(outcome).as(name).isNotNull();
            if (name.equals("forkbomb")) {
                continue; // no process left: no container (FixtureScanTest)
            }
            ContainerSnapshot c = byCgroup(s, "/" + w[1]);
            assertThat(pid1Rules(c)).as(name + " " + c.findings()).isEqualTo(expected.get(name));
            if (w[2].equals("-")) {
                assertThat(outcome).isEqualTo("no-pid1");
                assertThat(c.pid1()).as(name).isNull();
                continue;
            }
            boolean exited = outcome.equals("exited");
            assertThat(outcome).as(name).isIn("exited", "survived");
            assertThat(c.pid1().hostPid()).as(name).isEqualTo(Integer.parseInt(w[2]));
            assertThat(c.pid1().catchesSigterm()).as(name + " (" + c.pid1().initKind() + ")").isEqualTo(exited);
            assertThat(pid1Rules(c).contains(PID1_SIGTERM_DROPPED.id())).as(name).isEqualTo(!exited);
            judged++;
        }
        assertThat(judged).isEqualTo(8);
    }

    @Test
    void v2CasesZombiesAreWeighedAgainstThePidsLimitTheScannerReads() {
        ScanSnapshot s = twoScans(Fixtures.paths(Fixtures.V2_CASES, "host"));
        ContainerSnapshot c = s.find("c1".repeat(32)).orElseThrow();
        Finding z = finding(c, PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(z.severity()).isEqualTo(Severity.WARNING);
        assertThat(z.evidence().get("zombies")).isEqualTo(3);
        assertThat(z.evidence().get("zombiePids")).isEqualTo(List.of(490, 493, 495));
        assertThat(z.evidence().get("graceSeconds")).isEqualTo(0.0);
        assertThat(z.evidence().get("pidsMax")).isEqualTo(16L);
        assertThat(z.evidence().get("pidsCurrent")).isEqualTo(c.stats().pids().current());
        assertThat(z.evidence().get("shareOfPidsMax")).isEqualTo(0.1875);
        assertThat(c.processes().zombies()).isEqualTo(3);
        assertThat(c.pid1().children()).as("zombies are no live children").isZero();
        assertThat(finding(c, PID1_SIGTERM_DROPPED.id()).evidence().get("looks")).isEqualTo(2);
    }

    @Test
    void v2CasesWithAGraceNotYetPassedNoZombieIsUnreaped() {
        Scanner scanner = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"),
                ScanOptions.defaults().withRuntimeDirs(NO_RUNTIME_DIRS).withZombieGrace(Duration.ofHours(1)));
        scanner.scan();
        ContainerSnapshot c = scanner.scan().find("c1".repeat(32)).orElseThrow();
        assertThat(pid1Rules(c)).containsExactly(PID1_SIGTERM_DROPPED.id());
        assertThat(c.processes().zombies()).isEqualTo(3);
    }

    @Test
    void v2NodeWithoutPtraceRightsCatatonitDumbInitAndShellsThroughTheScanner() {
        ScanSnapshot s = twoScans(Fixtures.paths(Fixtures.V2_NODE));
        record Expect(int pid, String kind, Boolean catches, List<String> rules, int children) {
        }
        Map<String, Expect> expect = Map.of(
                "0f".repeat(32), new Expect(430, "catatonit", true, List.of(), 0),
                "1e".repeat(32), new Expect(448, "dumb-init", true, List.of(), 1),
                "3c".repeat(32), new Expect(442, "shell", false, List.of(PID1_SIGTERM_DROPPED.id()), 0),
                "2d".repeat(32), new Expect(443, "shell", true, List.of(PID1_SIGNALS_NOT_FORWARDED.id()), 1),
                // sleep without syscall/wchan: an unknown program might be waiting, so it is not judged
                "4b".repeat(32), new Expect(444, "unknown", null, List.of(), 0));
        assertThat(s.containers()).hasSize(expect.size());
        for (Map.Entry<String, Expect> e : expect.entrySet()) {
            ContainerSnapshot c = s.find(e.getKey()).orElseThrow();
            Expect x = e.getValue();
            String as = c.runtime().label() + " " + x.pid() + " " + c.pid1().comm();
            assertThat(c.pid1().hostPid()).as(as).isEqualTo(x.pid());
            assertThat(c.pid1().exe()).as(as + ": exe was not readable").isNull();
            assertThat(c.pid1().initKind()).as(as).isEqualTo(x.kind());
            assertThat(c.pid1().catchesSigterm()).as(as).isEqualTo(x.catches());
            assertThat(pid1Rules(c)).as(as + " " + c.findings()).isEqualTo(x.rules());
            assertThat(c.pid1().children()).as(as).isEqualTo(x.children());
        }
        // what the findings say when ptrace rights were missing
        Finding sh = finding(s.find("3c".repeat(32)).orElseThrow(), PID1_SIGTERM_DROPPED.id());
        assertThat(sh.evidence().get("identifiedBy")).isEqualTo("comm sh (exe unreadable)");
        assertThat(sh.evidence().get("verdict")).isEqualTo("default-action");
        assertThat((String) sh.evidence().get("reason")).contains("shell never waits for signals");
        Finding trap = finding(s.find("2d".repeat(32)).orElseThrow(), PID1_SIGNALS_NOT_FORWARDED.id());
        assertThat(trap.evidence().get("catchesSigterm")).isEqualTo(true);
        assertThat(s.node().scanErrors().get(ErrorKind.PERMISSION)).as("files a capture lacks are no errors").isZero();
        assertThat(s.node().scanErrors().get(ErrorKind.MALFORMED)).isZero();
    }
}
