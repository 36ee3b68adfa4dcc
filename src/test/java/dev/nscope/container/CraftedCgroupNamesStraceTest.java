package dev.nscope.container;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Live;
import dev.nscope.testing.StraceLog;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crafted cgroup names on the live kernel, against the real agent under {@code strace -f}: real cgroup
 * directories whose names look like path tricks ({@code ..%2f..%2fsecret}, {@code lxc.payload..},
 * systemd-escaped {@code \x2f}, upper-case ids, …), each holding a process, beside well-formed Docker and
 * containerd ones. Bait files wait in the runtime state directories where a naive join of the crafted
 * names would land. The agent scans several times and serves the JSON; then every file it opened, and
 * every file system change it attempted, is checked:
 * <ul>
 * <li>a crafted name appears in no path but the cgroup's own directory under {@code /sys/fs/cgroup};</li>
 * <li>in the runtime directories only {@code <validated id>/config…} files of the well-formed containers
 *     are opened, and no path there or under the cgroup tree has a {@code .} or {@code ..} segment;</li>
 * <li>nothing is opened outside procfs, sysfs, the runtime directories and the JVM's own files
 *     (its libraries, class path, {@code /etc}, {@code /dev}, its temporary directory; and OSHI's reads of
 *     the udev database, {@code /run/udev/data}, for the node's CPUs);</li>
 * <li>nothing is opened for writing, created, removed, renamed or truncated under {@code /proc},
 *     {@code /sys}, {@code /var/lib/docker}, {@code /run} or the runtime directories;</li>
 * <li>with {@code nscope.web.command-lines} off no {@code cmdline} of a container process is opened;
 *     on, each is opened once however many scans run.</li>
 * </ul>
 */
class CraftedCgroupNamesStraceTest {
    static final Path PIDS = Path.of("/sys/fs/cgroup/pids");
    static final String HEX_A = "c7".repeat(32);
    static final String HEX_B = "d8".repeat(32);
    static final String POD_UID = "0f0e0d0c-0b0a-0908-0706-050403020100";
    static final JsonMapper JSON = new JsonMapper();

    /** A cgroup made for the test, and whether its process runs in a pid namespace of its own (a sandbox). */
    record Crafted(String relative, boolean sandbox, String why) {
    }

    static final List<Crafted> CRAFTED = List.of(
            new Crafted("docker/..%2f..%2fsecret", true, "escaped traversal where Docker's id goes"),
            new Crafted("lxc.payload..", true, "what lxc.payload.../.. makes: an LXC name of dots"),
            new Crafted("lxc.payload.a..b", false, "a valid LXC name with dots (claimed; LXC has no metadata to read)"),
            new Crafted("lxc/..secret", true, "an old-style LXC name starting with dots"),
            new Crafted("machine.slice/machine-..\\x2f..\\x2fsecret.scope", true, "systemd-escaped '/' in an nspawn name"),
            new Crafted("system.slice/systemd-nspawn@..\\x2fsecret.service", true, "systemd-escaped '/' in an nspawn service"),
            new Crafted("docker/" + HEX_A.toUpperCase(), true, "an id in upper case"),
            new Crafted("docker/" + HEX_A + "..", true, "an id with a suffix"),
            new Crafted("docker/" + "%2e".repeat(80), true, "a 240-byte name of escaped dots"),
            new Crafted("docker/x\n0::/docker/" + "e9".repeat(32), true, "a newline that would forge a /proc/<pid>/cgroup line"));
    static final List<Crafted> VALID = List.of(
            new Crafted("docker/" + HEX_A, false, "a Docker container (cgroupfs driver)"),
            new Crafted("kubepods/besteffort/pod" + POD_UID + "/" + HEX_B, false, "a CRI container (kubelet cgroupfs driver)"));
    /** Fragments of the crafted names that must appear in no opened path outside the cgroup tree. */
    static final List<String> FRAGMENTS = List.of("secret", "%2f", "%2e", "lxc.payload.", "\\x2f", "..", HEX_A.toUpperCase(),
            "a..b", "e9e9e9e9");

    @Test
    void craftedNamesNeverBecomePathsAndTheAgentWritesNothing() throws Exception {
        Live.requireRoot();
        Live.require(Files.isDirectory(PIDS) && Files.isWritable(PIDS.resolve("cgroup.procs")), "a writable v1 pids hierarchy");
        Live.require(Files.isExecutable(Path.of("/usr/bin/strace")), "strace (Debian's strace)");
        Path runtime = Files.createTempDirectory("nscope-runtime");
        Path docker = runtime.resolve("docker");
        Path containerd = runtime.resolve("containerd");
        Path storage = runtime.resolve("storage");
        Path user = runtime.resolve("user");
        bait(runtime, docker, containerd, storage, user);

        List<Path> made = new ArrayList<>();
        List<Process> processes = new ArrayList<>();
        Map<Crafted, Process> started = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        try {
            for (Crafted c : Stream.concat(CRAFTED.stream(), VALID.stream()).toList()) {
                Path dir = PIDS.resolve(c.relative());
                try {
                    mkdirs(dir, made);
                } catch (IOException e) {
                    refused.add(c.relative().replace("\n", "\\n") + " (" + e.getMessage() + ")");
                    continue;
                }
                List<String> cmd = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", dir.toString()));
                if (c.sandbox()) {
                    cmd.addAll(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc"));
                }
                cmd.addAll(List.of("sleep", "301"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                processes.add(p);
                started.put(c, p);
            }
            System.out.println("cgroup names the kernel refused: " + refused);
            Thread.sleep(500);
            for (Map.Entry<Crafted, Process> e : started.entrySet()) {
                assertThat(e.getValue().isAlive()).as(e.getKey().relative()).isTrue();
                String own = Files.readString(Path.of("/proc/" + e.getValue().pid() + "/cgroup"));
                assertThat(own).as("the process is in its crafted cgroup").contains(":pids:/" + e.getKey().relative() + "\n");
            }
            int dockerPid = (int) started.get(VALID.get(0)).pid();

            List<String> props = List.of("--nscope.scan-interval=200ms", "--nscope.pid1.zombie-grace=0s",
                    "--nscope.runtime.docker-root=" + docker, "--nscope.runtime.containerd-state=" + containerd,
                    "--nscope.runtime.containers-storage=" + storage, "--nscope.runtime.user-runtime-dir=" + user);
            for (boolean commandLines : new boolean[] {false, true}) {
                Path trace = Files.createTempFile("nscope-strace", ".txt");
                List<String> args = new ArrayList<>(props);
                args.add("--nscope.web.command-lines=" + commandLines);
                JsonNode doc;
                JsonNode detail;
                try (AgentProcess agent = AgentProcess.start(StraceLog.command(trace), args.toArray(String[]::new))) {
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    String base = "http://127.0.0.1:" + agent.port;
                    agent.awaitUp(http, base + "/actuator/health", Duration.ofSeconds(120));
                    // several passes (200 ms apart) before and after the JSON is read
                    Thread.sleep(1500);
                    doc = JSON.readTree(get(http, base + "/actuator/containers"));
                    detail = JSON.readTree(get(http, base + "/actuator/containers/" + HEX_A));
                    Thread.sleep(1000);
                    ProcessHandle java = agent.process.toHandle().children().findFirst().orElseThrow();
                    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(java.pid())).start().waitFor()).isZero();
                    assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).as("the agent stops\n" + agent.output()).isTrue();
                }
                List<StraceLog.Call> calls = StraceLog.parse(trace);
                Files.delete(trace);
                checkWhatWasOpened(calls, runtime, commandLines, dockerPid, detail);
                checkWhatWasServed(doc, started);
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            Thread.sleep(300);
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(made.get(i));
                } catch (IOException e) {
                    // a parent someone else's test uses too (docker/, kubepods/): left
                }
            }
            new ProcessBuilder("rm", "-rf", runtime.toString()).start().waitFor();
        }
    }

    /** Valid metadata for the well-formed containers, and bait where the crafted names would lead a naive join. */
    static void bait(Path runtime, Path docker, Path containerd, Path storage, Path user) throws IOException {
        Path a = Files.createDirectories(docker.resolve("containers").resolve(HEX_A));
        Files.writeString(a.resolve("config.v2.json"), "{\"Name\":\"/crafted-valid\",\"Config\":{\"Image\":\"nscope-test/valid\",\"Labels\":{}}}");
        Path b = Files.createDirectories(containerd.resolve("io.containerd.runtime.v2.task/k8s.io").resolve(HEX_B));
        Files.writeString(b.resolve("config.json"), "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"crafted-cri\","
                + "\"io.kubernetes.cri.sandbox-name\":\"crafted-pod\",\"io.kubernetes.cri.sandbox-namespace\":\"default\"}}");
        String pwned = "{\"Name\":\"/pwned\",\"Config\":{\"Image\":\"pwned\",\"Labels\":{}},\"annotations\":{\"nerdctl/name\":\"pwned\"}}";
        for (Path p : List.of(runtime.resolve("secret"), docker.resolve("secret"), docker.resolve("containers/secret"))) {
            Files.writeString(p, pwned);
        }
        for (String name : List.of("..%2f..%2fsecret", HEX_A.toUpperCase(), HEX_A + "..")) {
            Path d = Files.createDirectories(docker.resolve("containers").resolve(name));
            Files.writeString(d.resolve("config.v2.json"), pwned);
        }
        Files.createDirectories(storage);
        Files.createDirectories(user);
    }

    static void mkdirs(Path dir, List<Path> made) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            made.add(p);
        }
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    static void checkWhatWasServed(JsonNode doc, Map<Crafted, Process> started) throws IOException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode c : doc.get("containers")) {
            byId.put(c.get("id").asString(), c);
            assertThat(c.get("name").asString("")).as("no bait was read").isNotEqualTo("pwned");
            assertThat(c.get("image").asString("")).isNotEqualTo("pwned");
        }
        assertThat(byId.get(HEX_A).get("runtime").asString()).isEqualTo("docker");
        assertThat(byId.get(HEX_A).get("name").asString()).isEqualTo("crafted-valid");
        assertThat(byId.get(HEX_B).get("runtime").asString()).isEqualTo("containerd");
        assertThat(byId.get(HEX_B).get("name").asString()).isEqualTo("crafted-cri");
        JsonNode lxc = byId.get("a..b");
        assertThat(lxc).as("lxc.payload.a..b is claimed by LXC under its (valid) name").isNotNull();
        assertThat(lxc.get("runtime").asString()).isEqualTo("lxc");
        for (Map.Entry<Crafted, Process> e : started.entrySet()) {
            if (!e.getKey().sandbox()) {
                continue;
            }
            long pid1 = e.getValue().toHandle().children().findFirst().orElseThrow().pid();
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid1 + "/ns/pid")).toString();
            String id = "pidns-" + link.substring(link.indexOf('[') + 1, link.length() - 1);
            JsonNode c = byId.get(id);
            assertThat(c).as("%s (%s) is seen as the sandbox %s", e.getKey().relative(), e.getKey().why(), id).isNotNull();
            assertThat(c.get("runtime").asString()).as("no runtime claims " + e.getKey().relative()).isEqualTo("sandbox");
        }
    }

    static void checkWhatWasOpened(List<StraceLog.Call> calls, Path runtime, boolean commandLines, int dockerPid, JsonNode detail)
            throws IOException {
        assertThat(calls).as("strace saw the agent").hasSizeGreaterThan(100);
        String rt = runtime.toString();
        String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        List<String> classPath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(":")) {
            classPath.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        String tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString();
        String home = System.getProperty("user.home");
        String cwd = Path.of("").toAbsolutePath().toString();
        // paths built from a validated id: 64 hex, this test's containers or any other the host runs meanwhile
        String id = "[0-9a-f]{64}";
        Pattern runtimeFile = Pattern.compile(Pattern.quote(rt) + "(/docker(/containers(/" + id + "(/(config\\.v2|hostconfig)\\.json)?)?)?"
                + "|/containerd(/io\\.containerd\\.runtime\\.v[12]\\.[a-z]+(/k8s\\.io(/" + id + "(/config\\.json)?)?)?)?"
                + "|/storage(/overlay-containers/" + id + "/userdata/config\\.json)?"
                + "|/user(/\\d+/containers/overlay-containers/" + id + "/userdata/config\\.json)?)?");
        Set<String> outside = new TreeSet<>();
        Set<String> crafted = new TreeSet<>();
        Set<String> runtimeOpened = new TreeSet<>();
        List<String> writes = new ArrayList<>();
        List<String> exempted = new ArrayList<>();
        Set<String> craftedCgroupFiles = new TreeSet<>();
        int cmdlineOpens = 0;
        for (StraceLog.Call c : calls) {
            for (String raw : c.paths()) {
                String p = Path.of(raw).toAbsolutePath().normalize().toString();
                boolean cgroupTree = p.startsWith("/sys/fs/cgroup/");
                if (cgroupTree && raw.contains("/lxc.payload.a..b/")) {
                    craftedCgroupFiles.add(raw);
                }
                if (!cgroupTree) {
                    for (String f : FRAGMENTS) {
                        if (raw.contains(f) && !p.startsWith(javaHome) && !raw.endsWith("/..") && !raw.startsWith("/proc/")) {
                            crafted.add(c.line());
                        }
                    }
                }
                if (raw.startsWith(rt)) {
                    runtimeOpened.add(raw);
                    if (!runtimeFile.matcher(raw).matches()) {
                        crafted.add(c.line());
                    }
                }
                if ((cgroupTree || raw.startsWith(rt)) && (raw.contains("/../") || raw.endsWith("/..") || raw.contains("/./"))) {
                    crafted.add(c.line());
                }
                if (c.write() && protectedPath(p, rt)) {
                    writes.add(c.line());
                } else if (c.write() && p.equals("/proc/self/coredump_filter")) {
                    exempted.add(c.line());
                }
                if (raw.equals("/proc/" + dockerPid + "/cmdline")) {
                    cmdlineOpens++;
                }
                boolean expected = p.equals("/") || p.startsWith("/proc") || p.startsWith("/sys") || p.startsWith(rt)
                        || p.startsWith(javaHome) || p.startsWith("/usr/") || p.startsWith("/lib") || p.startsWith("/etc/")
                        || p.startsWith("/dev/") || p.startsWith(tmp + "/") || p.startsWith(home + "/.cache/JNA/")
                        || p.equals(cwd) || p.startsWith(cwd + "/target/") || classPath.stream().anyMatch(p::startsWith)
                        // the temp directory itself is listed (read-only) for the agent's own directories a killed run left
                        || p.equals(tmp) && !c.write()
                        // OSHI's libudev reads the udev database for the node's CPUs (read-only, no container input)
                        || p.startsWith("/run/udev/data/") && !c.write();
                if (!expected) {
                    outside.add(c.syscall() + " " + p);
                }
            }
        }
        String run = "command-lines=" + commandLines + ": ";
        System.out.println(run + calls.size() + " calls; runtime dir opened: " + runtimeOpened);
        System.out.println(run + "files of the claimed cgroup lxc.payload.a..b read: " + craftedCgroupFiles);
        // positive controls: the trace is parsed as meant (HotSpot's own O_RDWR open of /proc/self/coredump_filter
        // is seen as a write), and the cgroup of a claimed name with dots was read where it is, in the cgroup tree
        assertThat(exempted).as(run + "the parser sees HotSpot's write of its own coredump_filter").isNotEmpty();
        assertThat(craftedCgroupFiles).as(run + "the crafted cgroup's own files were read, under /sys/fs/cgroup").isNotEmpty();
        assertThat(crafted).as(run + "calls that took a crafted name outside its cgroup directory").isEmpty();
        assertThat(outside).as(run + "opened outside procfs, sysfs, the runtime dirs and the JVM's own files").isEmpty();
        assertThat(writes).as(run + "writes under /proc, /sys, /var/lib/docker, /run or the runtime dirs").isEmpty();
        assertThat(runtimeOpened).as(run + "the well-formed containers' metadata was read")
                .contains(rt + "/docker/containers/" + HEX_A + "/config.v2.json",
                        rt + "/containerd/io.containerd.runtime.v2.task/k8s.io/" + HEX_B + "/config.json");
        JsonNode first = detail.get("processList").get(0);
        assertThat(first.get("pid").asInt()).isEqualTo(dockerPid);
        if (commandLines) {
            assertThat(cmdlineOpens).as(run + "cmdline of pid " + dockerPid + " opened once over many scans").isEqualTo(1);
            assertThat(first.get("cmdline").get(0).asString()).isEqualTo("sleep");
            assertThat(first.get("cmdline").get(1).asString()).isEqualTo("301");
        } else {
            assertThat(cmdlineOpens).as(run + "cmdline of pid " + dockerPid + " never opened").isZero();
            assertThat(first.has("cmdline")).isFalse();
        }
    }

    /** Host state the agent must never change. */
    static boolean protectedPath(String p, String runtime) {
        // HotSpot sets its own core-dump filter at start (os::init_2): the agent's own process, not host state
        if (p.equals("/proc/self/coredump_filter")) {
            return false;
        }
        for (String root : List.of("/proc", "/sys", "/var/lib/docker", "/var/lib/containers", "/run", runtime)) {
            if (p.equals(root) || p.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }
}
