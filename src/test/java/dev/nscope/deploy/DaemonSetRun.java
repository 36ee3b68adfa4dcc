package dev.nscope.deploy;

import dev.nscope.testing.Live;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.nscope.deploy.Chart.at;
import static dev.nscope.deploy.Chart.list;

/**
 * The agent started the way the chart's DaemonSet starts it, as far as a host without Kubernetes allows:
 * <ul>
 *   <li>a private mount namespace where the host's /proc and /sys are recursive read-only binds at
 *   {@code <dir>/host/proc} and {@code <dir>/host/sys}, each runtime state directory the chart mounts is
 *   the only thing visible of its parent (a tmpfs over the parent, the directory bound back read-only),
 *   the root filesystem is read-only and /tmp is a small tmpfs (the chart's emptyDir);</li>
 *   <li>a child cgroup of every hierarchy, its memory limited to the chart's memory limit, then a
 *   cgroup namespace of its own (as in a container);</li>
 *   <li>uid 0 with only the given capabilities (inheritable, ambient, bounding set) and no_new_privs;</li>
 *   <li>the chart's container arguments (procfs and sysfs moved under {@code <dir>}, a short scan interval,
 *   a free port) and the Dockerfile ENTRYPOINT's JVM flags, less the CDS archive (there is no image),
 *   plus {@code -XX:-UseContainerSupport -XX:MaxRAM=<limit>}: the JDK cannot read a cgroupfs that was not
 *   re-mounted in its cgroup namespace, so MaxRAM gives it the limit container support would find.</li>
 * </ul>
 */
final class DaemonSetRun implements AutoCloseable {
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");

    final Process process;
    final int port;
    final Path dir;
    final Path log;
    final long memoryLimit;
    private final List<Path> cgroups;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DaemonSetRun(Process process, int port, Path dir, Path log, long memoryLimit, List<Path> cgroups) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.memoryLimit = memoryLimit;
        this.cgroups = cgroups;
    }

    /**
     * @param chart        the rendered chart whose DaemonSet is followed
     * @param capabilities capability names as in the chart ("SYS_PTRACE"); the process gets exactly these
     */
    static DaemonSetRun start(Chart.Rendered chart, List<String> capabilities, String scanInterval) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "daemonset-");
        String tag = dir.getFileName().toString();
        Map<String, Object> pod = chart.podSpec();
        Map<String, Object> c = chart.agent();

        // mounts: what each volume is, where the container has it
        Map<String, String> hostPathOf = list(pod.get("volumes")).stream().filter(v -> v.get("hostPath") != null)
                .collect(Collectors.toMap(v -> (String) v.get("name"), v -> (String) at(v, "hostPath", "path")));
        StringBuilder sh = new StringBuilder("set -e\n");
        List<String> rebind = new ArrayList<>();
        int i = 0;
        for (Map<String, Object> m : list(c.get("volumeMounts"))) {
            String host = hostPathOf.get((String) m.get("name"));
            String at = (String) m.get("mountPath");
            if (host == null) {
                continue; // the emptyDir at /tmp, below
            }
            if (at.startsWith("/host/")) {
                Path target = dir.resolve(at.substring(1));
                Files.createDirectories(target);
                sh.append("mount --rbind ").append(host).append(' ').append(target).append('\n');
                sh.append("mount -o remount,bind,ro ").append(target).append('\n');
            } else if (Files.isDirectory(Path.of(host)) && at.equals(host)) {
                // runtime state: only this directory of its parent shows, read-only, at the same path
                Path stash = dir.resolve("stash" + i++);
                Files.createDirectories(stash);
                String parent = Path.of(host).getParent().toString();
                sh.append("mount --rbind ").append(host).append(' ').append(stash).append('\n');
                rebind.add("mount -t tmpfs -o size=1m,mode=755 nscope-hide " + parent + "\nmkdir -p " + host
                        + "\nmount --move " + stash + ' ' + host + "\nmount -o remount,bind,ro " + host + '\n');
            }
        }
        rebind.forEach(sh::append);

        // cgroups: a child of the current cgroup in every hierarchy; the memory limit of the chart
        long limit = bytes((String) at(c, "resources", "limits", "memory"));
        List<Path> cgroups = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            Path h = hierarchyDir(f[1]);
            if (h == null) {
                continue;
            }
            Path child = h.resolve(f[2].substring(1)).resolve("nscope-" + tag);
            Files.createDirectories(child);
            cgroups.add(child);
            if (f[1].equals("cpuset")) {
                for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                    Files.writeString(child.resolve(file), Files.readString(child.getParent().resolve(file)).trim());
                }
            }
            if (Files.exists(child.resolve("memory.limit_in_bytes"))) {
                Files.writeString(child.resolve("memory.limit_in_bytes"), Long.toString(limit));
            } else if (Files.exists(child.resolve("memory.max"))) {
                Files.writeString(child.resolve("memory.max"), Long.toString(limit));
            }
            sh.append("echo $$ > ").append(child.resolve("cgroup.procs")).append('\n');
        }

        // readOnlyRootFilesystem, with the emptyDir at /tmp. What the agent needs from below /tmp (a checkout
        // there: its classes and this run's directory; a class path entry there) would be hidden by it: each
        // such directory is held open from the start, and bound back at its own path once the tmpfs is there.
        List<Path> underTmp = underTmp(dir);
        if (underTmp.size() > 6) {
            throw new IOException("more directories under /tmp to keep than the shell has descriptors: " + underTmp);
        }
        StringBuilder hold = new StringBuilder();
        for (int k = 0; k < underTmp.size(); k++) {
            hold.append("exec ").append(3 + k).append("<'").append(underTmp.get(k)).append("'\n");
        }
        sh.insert("set -e\n".length(), hold);
        sh.append("mount -o remount,bind,ro /\n");
        sh.append("mount -t tmpfs -o size=16m nscope-tmp /tmp\n");
        for (int k = 0; k < underTmp.size(); k++) {
            // --no-canonicalize: the kernel follows /proc/self/fd/N to the directory held open, not to its name
            sh.append("mkdir -p '").append(underTmp.get(k)).append("'\nmount --no-canonicalize --rbind /proc/self/fd/")
                    .append(3 + k).append(" '").append(underTmp.get(k)).append("'\nexec ").append(3 + k).append("<&-\n");
        }

        String caps = "-all" + capabilities.stream().map(n -> ",+" + n.toLowerCase()).collect(Collectors.joining());
        int port = freePort();
        Dockerfile image = Dockerfile.read();
        image.env().forEach((k, v) -> sh.append("export ").append(k).append("='").append(v).append("'\n"));
        List<String> jvm = new ArrayList<>(image.jvmFlags().stream()
                .filter(f -> !f.startsWith("-XX:SharedArchiveFile=")).toList());
        jvm.add("-XX:-UseContainerSupport");
        jvm.add("-XX:MaxRAM=" + limit);
        List<String> args = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<String> chartArgs = (List<String>) c.get("args");
        for (String a : chartArgs) {
            String key = a.substring(0, a.indexOf('=') + 1);
            String value = a.substring(key.length());
            args.add(switch (key) {
                case "--server.port=" -> key + port;
                case "--nscope.scan-interval=" -> key + scanInterval;
                default -> value.startsWith("/host/") ? key + dir + value : a;
            });
        }
        List<String> java = Live.nscopeCommand(jvm, args.toArray(String[]::new));
        sh.append("exec unshare --cgroup setpriv --no-new-privs --inh-caps=").append(caps)
                .append(" --ambient-caps=").append(caps).append(" --bounding-set=").append(caps).append(" --");
        for (String w : java) {
            sh.append(' ').append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        sh.append('\n');
        Files.writeString(dir.resolve("start.sh"), sh);

        Path log = dir.resolve("agent.log");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", dir.resolve("start.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new DaemonSetRun(p, port, dir, log, limit, cgroups);
    }

    /** Polls /actuator/containers until {@code done} holds for a document; fails after {@code timeout}. */
    JsonNode awaitContainers(Predicate<JsonNode> done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the agent exited (" + process.exitValue() + "):\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/containers"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    last = new JsonMapper().readTree(r.body());
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out; last document: " + last + "\nlog:\n" + Files.readString(log));
    }

    /** The value of the sample {@code series} (name and labels, as exposed) in the agent's scrape; fails if absent. */
    double metric(String series) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no " + series + " in the scrape:\n" + r.body());
    }

    /** The highest memory use of the agent's cgroup so far (v1 max_usage, v2 peak), or -1. */
    long memoryPeak() throws IOException {
        for (Path cg : cgroups) {
            for (String f : List.of("memory.max_usage_in_bytes", "memory.peak")) {
                if (Files.exists(cg.resolve(f))) {
                    return Long.parseLong(Files.readString(cg.resolve(f)).trim());
                }
            }
        }
        return -1;
    }

    /** OOM kills in the agent's cgroup (v1 memory.oom_control, v2 memory.events), or -1. */
    long oomKills() throws IOException {
        for (Path cg : cgroups) {
            for (String f : List.of("memory.oom_control", "memory.events")) {
                if (Files.exists(cg.resolve(f))) {
                    for (String line : Files.readAllLines(cg.resolve(f))) {
                        if (line.startsWith("oom_kill ")) {
                            return Long.parseLong(line.substring(9).trim());
                        }
                    }
                }
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (int k = cgroups.size() - 1; k >= 0; k--) {
            for (int attempt = 0; attempt < 20; attempt++) {
                try {
                    Files.deleteIfExists(cgroups.get(k));
                    break;
                } catch (IOException busy) {
                    Thread.sleep(100); // the last task is still leaving
                }
            }
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The directories right below /tmp that hold what the agent's run needs: the working directory (the
     * checkout), {@code dir}, the class path and the JDK. Empty when none of them is under /tmp.
     */
    static List<Path> underTmp(Path dir) {
        Path tmp = Path.of("/tmp");
        List<Path> needed = new ArrayList<>(List.of(Path.of("").toAbsolutePath(), dir, Path.of(System.getProperty("java.home"))));
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                needed.add(Path.of(e).toAbsolutePath());
            }
        }
        return needed.stream().map(Path::normalize).filter(p -> p.startsWith(tmp) && p.getNameCount() > 1)
                .map(p -> tmp.resolve(p.getName(1))).distinct().sorted().toList();
    }

    static Path hierarchyDir(String controllers) {
        if (controllers.isEmpty()) {
            return Files.isRegularFile(CGROUP.resolve("cgroup.controllers")) ? CGROUP
                    : Files.isDirectory(CGROUP.resolve("unified")) ? CGROUP.resolve("unified") : null;
        }
        Path d = CGROUP.resolve(controllers.startsWith("name=") ? controllers.substring(5) : controllers);
        return Files.isDirectory(d) ? d : null;
    }

    /** A Kubernetes quantity of bytes: 256Mi, 1Gi, 500M, 1048576. */
    static long bytes(String quantity) {
        String[][] units = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"K", "1000"}, {"M", "1000000"},
                {"G", "1000000000"}};
        for (String[] u : units) {
            if (quantity.endsWith(u[0])) {
                return Long.parseLong(quantity.substring(0, quantity.length() - u[0].length())) * Long.parseLong(u[1]);
            }
        }
        return Long.parseLong(quantity);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
