package dev.nscope.scan;

import dev.nscope.testing.DockerTests;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent in a cgroup namespace of its own, as in a container on a cgroup v2 node: it is moved into
 * a child cgroup of every hierarchy and then {@code unshare --cgroup}, so every other process's cgroup
 * path reads {@code /../…}. Its {@code scan --format=json} must match a scan from the host's view.
 */
class AgentInCgroupNamespaceTest {
    private final List<Path> created = new ArrayList<>();
    private GenericContainer<?> docker;

    @BeforeEach
    void prerequisites() {
        Live.requireRoot();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (docker != null) {
            docker.stop();
        }
        for (Path p : created) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void findsTheSameContainersFromInsideItsOwnCgroupNamespace() throws Exception {
        DockerTests.requireDocker();
        docker = DockerTests.container("nscope-it-cgns", "sleep", "600");
        docker.start();
        try (Live.Sandbox sb = Live.Sandbox.start("sleep", "600")) {
            // one child cgroup below the current one in every hierarchy
            StringBuilder join = new StringBuilder();
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                Path dir = hierarchyDir(f[1]);
                if (dir == null) {
                    continue;
                }
                Path child = dir.resolve(f[2].substring(1)).resolve("nscope-cgns-test-" + ProcessHandle.current().pid());
                Files.createDirectories(child);
                created.add(child);
                if (f[1].equals("cpuset")) {
                    // a v1 cpuset cgroup takes no task until it has cpus and mems
                    for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                        Files.writeString(child.resolve(file), Files.readString(child.getParent().resolve(file)).trim());
                    }
                }
                join.append("echo $$ > '").append(child).append("/cgroup.procs' && ");
            }
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", join + "exec unshare --cgroup \"$@\"", "sh"));
            // the JDK's own container detection throws inside a cgroup namespace whose cgroupfs was not
            // re-mounted (this test's setup; a real container mounts its own): keep it out of the way
            cmd.addAll(Live.nscopeCommand(List.of("-XX:-UseContainerSupport"), "scan", "--format=json"));
            Live.Result inside = Live.run(cmd, 120);
            assertThat(inside.exit()).as(inside.stderr()).isZero();
            Live.Result outside = Live.run(Live.nscopeCommand("scan", "--format=json"), 120);
            assertThat(outside.exit()).as(outside.stderr()).isZero();

            JsonMapper json = new JsonMapper();
            JsonNode in = json.readTree(inside.stdout());
            JsonNode out = json.readTree(outside.stdout());
            assertThat(in.get("node").get("warnings")).isEmpty();
            Map<String, String> inMap = summary(in);
            assertThat(inMap).containsEntry(docker.getContainerId(), "docker /docker/" + docker.getContainerId());
            assertThat(inMap).containsKey("pidns-" + sb.nsInode("pid"));
            // both views list the same containers at the same cgroups (the other agent is a host process); other
            // tests may start or stop containers on the shared engine between the two scans, so compare what both saw
            Map<String, String> outMap = summary(out);
            assertThat(outMap).containsEntry(docker.getContainerId(), "docker /docker/" + docker.getContainerId());
            java.util.Set<String> both = new java.util.TreeSet<>(inMap.keySet());
            both.retainAll(outMap.keySet());
            assertThat(both).contains(docker.getContainerId(), "pidns-" + sb.nsInode("pid"));
            for (String id : both) {
                assertThat(inMap.get(id)).as(id).isEqualTo(outMap.get(id));
            }
        }
    }

    private static Path hierarchyDir(String controllers) {
        Path root = Path.of("/sys/fs/cgroup");
        if (controllers.isEmpty()) {
            return Files.isRegularFile(root.resolve("cgroup.controllers")) ? root
                    : Files.isDirectory(root.resolve("unified")) ? root.resolve("unified") : null;
        }
        String name = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
        Path dir = root.resolve(name);
        return Files.isDirectory(dir) ? dir : null;
    }

    private static Map<String, String> summary(JsonNode doc) {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode c : doc.get("containers")) {
            m.put(c.get("id").asString(), c.get("runtime").asString() + " " + c.get("cgroupPath").asString());
        }
        return m;
    }
}
