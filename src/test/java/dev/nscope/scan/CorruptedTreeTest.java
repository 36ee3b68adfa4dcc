package dev.nscope.scan;

import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.rules.Finding;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hybrid Docker capture with its files broken the ways a kernel, a race or a disk can break them:
 * the scan completes, reports every container it still can, counts each problem by kind, and raises
 * no finding it cannot back.
 */
class CorruptedTreeTest {
    @TempDir
    static Path tmp;
    static Path root;
    static final Map<String, String[]> inspect = new HashMap<>();

    @BeforeAll
    static void corrupt() throws Exception {
        root = tmp.resolve("tree");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V1_DOCKER).toString(), root.toString()).start().waitFor()).isZero();
        for (String line : Files.readAllLines(root.resolve("docker-inspect.txt"))) {
            if (!line.startsWith("sandboxes")) {
                String[] f = line.split(" ", -1);
                inspect.put(f[1].substring(1), f);
            }
        }
        // a child's stat cut in half (a torn read)
        Path trapChild = child("fx-trap");
        byte[] stat = Files.readAllBytes(trapChild.resolve("stat"));
        Files.write(trapChild.resolve("stat"), java.util.Arrays.copyOf(stat, 40));
        // PID 1's status is garbage
        Files.writeString(pid1("fx-init").resolve("status"), "\u0000\u00ff garbage without a single key\n");
        // PID 1's namespace links are not there (no ptrace rights, or a capture without them)
        try (var links = Files.list(pid1("fx-stopsig").resolve("ns"))) {
            for (Path l : links.toList()) {
                Files.delete(l);
            }
        }
        // a namespace link whose target is not the kernel's shape
        Path net = pid1("fx-hostnet").resolve("ns/net");
        Files.delete(net);
        Files.createSymbolicLink(net, Path.of("net:[not-a-number]"));
        // runtime metadata cut short
        Files.writeString(root.resolve("var/lib/docker/containers/" + id("fx-compose") + "/config.v2.json"), "{\"Name\":\"/fx-comp");
        // a cgroup stat file with garbage
        Files.writeString(root.resolve("sys/fs/cgroup/memory/docker/" + id("fx-limits") + "/memory.stat"), "cache\nrss x y z\n");
        // a cgroup file that is a directory
        Path cg = pid1("fx-zombies").resolve("cgroup");
        Files.delete(cg);
        Files.createDirectories(cg);
        // a process directory emptied between listing and reading (it exited)
        Files.createDirectories(root.resolve("proc/424242"));
    }

    static String id(String name) {
        return inspect.get(name)[0];
    }

    static Path pid1(String name) {
        return root.resolve("proc/" + inspect.get(name)[2]);
    }

    static Path child(String name) throws IOException {
        String pid1 = inspect.get(name)[2];
        try (var dirs = Files.list(root.resolve("proc"))) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                if (Files.isRegularFile(d.resolve("stat")) && Files.readString(d.resolve("stat")).split(" ")[3].equals(pid1)) {
                    return d;
                }
            }
        }
        throw new AssertionError("no child of " + name);
    }

    static Scanner scanner() {
        return new Scanner(new HostPaths(root.resolve("proc"), root.resolve("sys")),
                ScanOptions.defaults().withRuntimeDirs(FixtureScanTest.dirs(root.resolve("var/lib/docker"))).withZombieGrace(Duration.ZERO));
    }

    static ScanSnapshot twoScans() {
        Scanner s = scanner();
        s.scan();
        return s.scan();
    }

    static List<String> rules(ContainerSnapshot c) {
        return c.findings().stream().map(Finding::rule).toList();
    }

    @Test
    void theScanCompletesAndCountsEachProblemByKind() {
        // the first pass reads every file; later ones only what can change (and count again what they re-read)
        ScanSnapshot s = scanner().scan();
        Map<ErrorKind, Long> e = s.node().scanErrors();
        assertThat(e.get(ErrorKind.MALFORMED)).as("torn stat, garbage status, bad link, broken JSON, bad memory.stat").isGreaterThanOrEqualTo(5);
        assertThat(e.get(ErrorKind.IO)).as("a cgroup file that is a directory").isGreaterThanOrEqualTo(1);
        assertThat(e.get(ErrorKind.VANISHED)).as("the emptied process directory").isGreaterThanOrEqualTo(1);
        // every container is still reported
        assertThat(s.containers()).hasSize(14);
    }

    @Test
    void whatCanStillBeReadIsReportedAndNothingElseIsGuessed() {
        ScanSnapshot s = twoScans();
        // the torn child is left out, its container stays with PID 1
        ContainerSnapshot trap = s.find(id("fx-trap")).orElseThrow();
        assertThat(trap.processes().total()).isEqualTo(1);
        assertThat(trap.pid1()).isNotNull();
        // PID 1 without a readable status: no PID 1 can be named, so no PID-1 finding at all
        ContainerSnapshot init = s.find(id("fx-init")).orElseThrow();
        assertThat(init.pid1()).isNull();
        assertThat(rules(init)).noneMatch(r -> r.startsWith("pid1-"));
        assertThat(rules(init)).doesNotContain("host-pid-namespace");
        // no namespace links: the namespaces are unknown, so no host-namespace finding
        ContainerSnapshot stopsig = s.find(id("fx-stopsig")).orElseThrow();
        assertThat(rules(stopsig)).noneMatch(r -> r.startsWith("host-"));
        // a link that does not parse is unknown, not "shared with the host"
        ContainerSnapshot hostnet = s.find(id("fx-hostnet")).orElseThrow();
        assertThat(hostnet.namespaces().get(dev.nscope.proc.NamespaceType.NET)).isZero();
        assertThat(rules(hostnet)).doesNotContain("host-network-namespace");
        // broken metadata: still listed, by id, with no name
        ContainerSnapshot compose = s.find(id("fx-compose")).orElseThrow();
        assertThat(compose.name()).isNull();
        // garbage memory.stat: the figures from the other memory files remain
        ContainerSnapshot limits = s.find(id("fx-limits")).orElseThrow();
        assertThat(limits.stats().memory().limitBytes()).isEqualTo(64L << 20);
        assertThat(limits.stats().memory().rssBytes()).isNull();
        assertThat(limits.stats().cpu().quotaCores()).isEqualTo(0.5);
    }

    @Test
    void theErrorsReachTheAgentsCounters() {
        Scanner scanner = new Scanner(new HostPaths(root.resolve("proc"), root.resolve("sys")));
        SnapshotStore store = new SnapshotStore();
        ScanService service = new ScanService(scanner, store, Duration.ofSeconds(10));
        service.runOnce();
        service.runOnce();
        assertThat(service.totals().failed()).isZero();
        // the first pass meets every broken file; the second re-reads only what can have changed
        assertThat(service.totals().errors().get(ErrorKind.MALFORMED)).isGreaterThanOrEqualTo(5);
    }
}
