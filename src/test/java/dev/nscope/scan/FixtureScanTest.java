package dev.nscope.scan;

import dev.nscope.container.Runtime;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.NamespaceType;
import dev.nscope.rules.Finding;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The scanner on captured trees of real hosts: exact containers, runtimes, ids, pods, PID 1s, host-namespace flags. */
class FixtureScanTest {

    static RuntimeDirs dirs(Path dockerRoot) {
        return new RuntimeDirs(dockerRoot, Path.of("/nonexistent"), List.of(), Path.of("/nonexistent"));
    }

    static ScanSnapshot scan(HostPaths paths, Path dockerRoot) {
        return new Scanner(paths, dirs(dockerRoot)).scan();
    }

    static ContainerSnapshot byId(ScanSnapshot s, String id) {
        return s.find(id).orElseThrow(() -> new AssertionError("no container " + id + " in " + s.containers()));
    }

    static Set<String> rules(ContainerSnapshot c) {
        return c.findings().stream().map(Finding::rule).collect(Collectors.toSet());
    }

    static boolean shared(ScanSnapshot s, ContainerSnapshot c, NamespaceType t) {
        return c.namespaces().get(t) == s.node().hostNamespaces().get(t);
    }

    @Test
    void sharedV2NodeCapture() {
        ScanSnapshot s = scan(Fixtures.paths(Fixtures.V2_NODE), Path.of("/nonexistent"));
        assertThat(s.node().cgroupVersion().label()).isEqualTo("v2");
        assertThat(s.node().processes()).isEqualTo(194);
        // host namespaces from kthreadd: PID 1's links were not captured
        assertThat(s.node().hostNamespaces().get(NamespaceType.PID)).isEqualTo(4026531836L);
        assertThat(s.node().hostNamespaces().get(NamespaceType.NET)).isEqualTo(4026531833L);
        assertThat(s.containers()).extracting(c -> c.runtime().label() + " " + c.id().substring(0, 4) + " pid1=" + c.pid1().hostPid()
                        + " " + c.pid1().comm() + " procs=" + c.processes().total())
                .containsExactly(
                        "cri-o 0f0f pid1=430 catatonit procs=2",
                        "cri-o 1e1e pid1=448 dumb-init procs=5",
                        "docker 3c3c pid1=442 sh procs=2",
                        "docker 4b4b pid1=444 sleep procs=2",
                        "podman 2d2d pid1=443 sh procs=3");
        ContainerSnapshot pause = byId(s, "0f".repeat(32));
        ContainerSnapshot app = byId(s, "1e".repeat(32));
        assertThat(pause.kubernetes().podUid()).isEqualTo("7e0c2a51-93d4-4c7e-a0b2-5d1f6e8a9c30");
        assertThat(app.kubernetes().podUid()).isEqualTo(pause.kubernetes().podUid());
        // the app container joins the sandbox's net/ipc/uts: shared with the pod, not with the host
        for (NamespaceType t : List.of(NamespaceType.NET, NamespaceType.IPC, NamespaceType.UTS)) {
            assertThat(app.namespaces().get(t)).isEqualTo(pause.namespaces().get(t));
            assertThat(shared(s, app, t)).isFalse();
        }
        assertThat(app.namespaces().get(NamespaceType.PID)).isNotEqualTo(pause.namespaces().get(NamespaceType.PID));
        assertThat(app.cgroupPath()).isEqualTo("/kubepods.slice/kubepods-besteffort.slice/"
                + "kubepods-besteffort-pod7e0c2a51_93d4_4c7e_a0b2_5d1f6e8a9c30.slice/crio-" + "1e".repeat(32) + ".scope");
        // dumb-init over sh with yes and sleep children: the sh is its only direct child
        assertThat(app.pid1().children()).isEqualTo(1);
        // the user-namespaced one is the only container without host-user-namespace
        ContainerSnapshot userns = byId(s, "4b".repeat(32));
        assertThat(rules(userns)).doesNotContain("host-user-namespace");
        assertThat(s.containers()).filteredOn(c -> c != userns).allSatisfy(c -> assertThat(rules(c)).contains("host-user-namespace"));
        assertThat(s.containers()).allSatisfy(c -> assertThat(rules(c))
                .doesNotContain("host-pid-namespace", "host-network-namespace", "host-mount-namespace", "host-ipc-namespace"));
        // the capture's races: pids listed in cgroup.procs that had exited are simply not there
        assertThat(byId(s, "3c".repeat(32)).processList()).extracting(ProcessEntry::pid).containsExactly(439, 442);
        assertThat(s.node().scanErrors().get(ErrorKind.MALFORMED)).isZero();
    }

    @Test
    void v2CasesFromTheDeviceMachine() throws IOException {
        ScanSnapshot s = scan(Fixtures.paths(Fixtures.V2_CASES, "host"), Path.of("/nonexistent"));
        Map<String, String[]> cases = cases();
        for (Map.Entry<String, String[]> e : cases.entrySet()) {
            String cgroup = "/" + e.getValue()[0];
            String pid1 = e.getValue()[1];
            if (e.getKey().equals("forkbomb")) {
                // its fork loop died at pids.max: a cgroup without processes is no container
                assertThat(s.containers()).noneMatch(c -> cgroup.equals(c.cgroupPath()));
                continue;
            }
            ContainerSnapshot c = s.containers().stream().filter(x -> cgroup.equals(x.cgroupPath())).findFirst()
                    .orElseThrow(() -> new AssertionError("no container for " + e.getKey()));
            if (pid1.equals("-")) {
                assertThat(c.pid1()).as(e.getKey()).isNull();
                assertThat(rules(c)).as(e.getKey()).contains("host-pid-namespace");
            } else {
                assertThat(c.pid1().hostPid()).as(e.getKey()).isEqualTo(Integer.parseInt(pid1));
            }
        }
        assertThat(byId(s, "pidns-4026532627").runtime()).isEqualTo(Runtime.SANDBOX);
        assertThat(byId(s, "pidns-4026532627").cgroupPath()).isEqualTo("/nscope-cases/sandbox-1");
        assertThat(byId(s, "b1".repeat(32)).runtime()).isEqualTo(Runtime.CONTAINERD);
        assertThat(byId(s, "9e".repeat(32)).runtime()).isEqualTo(Runtime.CRIO);
        ContainerSnapshot zombies = byId(s, "c1".repeat(32));
        assertThat(zombies.processes().zombies()).isEqualTo(3);
        assertThat(zombies.processes().byState()).containsEntry("Z", 3);
    }

    @Test
    void anAgentInItsOwnCgroupNamespaceSeesTheSameContainers() {
        ScanSnapshot host = scan(Fixtures.paths(Fixtures.V2_CASES, "host"), Path.of("/nonexistent"));
        ScanSnapshot inNs = scan(Fixtures.paths(Fixtures.V2_CASES, "cgroupns"), Path.of("/nonexistent"));
        assertThat(inNs.node().warnings()).isEmpty();
        assertThat(summary(inNs)).isEqualTo(summary(host));
    }

    static List<String> summary(ScanSnapshot s) {
        return s.containers().stream().map(c -> c.id() + " " + c.runtime().label() + " " + c.cgroupPath() + " "
                + (c.pid1() == null ? "-" : c.pid1().hostPid()) + " " + c.processes().total() + " " + rules(c).stream().sorted().toList()).toList();
    }

    @Test
    void v1DockerCaptureMatchesDockersOwnView() throws IOException {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        ScanSnapshot s = scan(Fixtures.paths(Fixtures.V1_DOCKER), root.resolve("var/lib/docker"));
        assertThat(s.node().cgroupVersion().label()).isEqualTo("hybrid");
        List<String> inspect = Files.readAllLines(root.resolve("docker-inspect.txt")).stream().filter(l -> !l.startsWith("sandboxes")).toList();
        assertThat(inspect).hasSize(12);
        for (String line : inspect) {
            String[] f = line.split(" ", -1);
            ContainerSnapshot c = byId(s, f[0]);
            String name = f[1].substring(1);
            assertThat(c.runtime()).isEqualTo(Runtime.DOCKER);
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.image()).isEqualTo("nscope-test/busybox:1");
            assertThat(c.cgroupPath()).isEqualTo("/docker/" + f[0]);
            assertThat(s.find(name)).contains(c);
            assertThat(s.find(f[0].substring(0, 12))).contains(c);
            boolean hostPid = f[4].equals("host");
            boolean hostNet = f[3].equals("host");
            if (hostPid) {
                assertThat(c.pid1()).as(name).isNull();
            } else {
                assertThat(c.pid1().hostPid()).as(name).isEqualTo(Integer.parseInt(f[2]));
            }
            assertThat(rules(c).contains("host-pid-namespace")).as(name).isEqualTo(hostPid);
            assertThat(rules(c).contains("host-network-namespace")).as(name).isEqualTo(hostNet);
            assertThat(rules(c)).as(name).contains("host-user-namespace").doesNotContain("host-mount-namespace");
        }
        assertThat(byId(s, "fx-init").pid1().comm()).isEqualTo("docker-init");
        assertThat(byId(s, "fx-init").processes().total()).isEqualTo(3);
        assertThat(byId(s, "fx-zombies").processes().zombies()).isEqualTo(3);
        assertThat(byId(s, "fx-zombies").processList()).filteredOn(p -> p.state() == 'Z').hasSize(3)
                .allSatisfy(p -> assertThat(p.ppid()).isEqualTo(byId(s, "fx-zombies").pid1().hostPid()));
        // the two sandboxes no runtime claims
        String[] sb = Files.readAllLines(root.resolve("docker-inspect.txt")).stream().filter(l -> l.startsWith("sandboxes"))
                .findFirst().orElseThrow().split(" ");
        int pidnsUnshare = Integer.parseInt(sb[2].substring("unshare=".length()));
        int netnsUnshare = Integer.parseInt(sb[4].substring("unshare=".length()));
        ContainerSnapshot pidns = s.containers().stream().filter(c -> c.id().startsWith("pidns-")).findFirst().orElseThrow();
        assertThat(pidns.runtime()).isEqualTo(Runtime.SANDBOX);
        assertThat(pidns.processList()).extracting(ProcessEntry::pid).contains(pidnsUnshare);
        assertThat(pidns.pid1().hostPid()).isNotEqualTo(pidnsUnshare);
        assertThat(pidns.processList()).filteredOn(p -> p.pid() == pidns.pid1().hostPid()).singleElement()
                .satisfies(p -> assertThat(p.nsPid()).isEqualTo(1));
        ContainerSnapshot netns = s.containers().stream().filter(c -> c.id().startsWith("netns-")).findFirst().orElseThrow();
        assertThat(netns.processList()).extracting(ProcessEntry::pid).containsExactly(netnsUnshare);
        assertThat(netns.pid1()).isNull();
        assertThat(rules(netns)).contains("host-pid-namespace").doesNotContain("host-network-namespace");
        assertThat(s.containers()).hasSize(14);
    }

    /** case name -> [cgroup, pid1] from the capture's cases.txt */
    static Map<String, String[]> cases() throws IOException {
        return Files.readAllLines(Fixtures.unpack(Fixtures.V2_CASES).resolve("host/cases.txt")).stream()
                .map(l -> l.split(" ")).collect(Collectors.toMap(f -> f[0], f -> new String[] {f[1], f[2]}));
    }
}
