package dev.nscope.pid1;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.ProcStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On the live host: programs run as PID 1 of a fresh pid namespace ({@code unshare --pid --fork}),
 * judged from the host's /proc, then sent a real SIGTERM from the host. The verdict must agree with
 * what the kernel did. Skipped where {@code unshare} cannot make a pid namespace (no privileges).
 */
class LivePid1Test {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    private Optional<ProcessHandle> pid1Of(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        for (int i = 0; i < 40; i++) {
            Optional<ProcessHandle> child = p.children().findFirst();
            if (child.isPresent() && !p.waitFor(0, TimeUnit.MILLISECONDS)) {
                Thread.sleep(300); // let it exec and settle into its wait
                return p.isAlive() ? child : Optional.empty();
            }
            if (!p.isAlive()) {
                return Optional.empty();
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    private static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Pid1Facts facts(HostPaths live, long pid) throws IOException {
        byte[] b = Files.readAllBytes(Path.of(live.pidFile((int) pid, "stat")));
        ProcStat self = ProcStat.parse(b, b.length);
        List<Pid1Facts.Child> kids = new ArrayList<>();
        for (ProcessHandle h : ProcessHandle.of(pid).orElseThrow().children().toList()) {
            byte[] c = Files.readAllBytes(Path.of(live.pidFile((int) h.pid(), "stat")));
            kids.add(Pid1Reader.child(ProcStat.parse(c, c.length)));
        }
        String exe;
        try {
            exe = Files.readSymbolicLink(Path.of(live.pidFile((int) pid, "exe"))).toString();
        } catch (IOException e) {
            exe = null;
        }
        return new Pid1Reader(live).read((int) pid, self.startTime(), self.comm(), exe, Signals.SIGTERM, new ErrorCounts())
                .withChildren(kids, 0);
    }

    @Test
    void verdictsAgreeWithARealSigtermFromTheHost() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && available("unshare"), "no unshare");
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("sh waiting", new String[] {"sh", "-c", "sleep 1000 & wait"});
        cases.put("sh trapping TERM", new String[] {"sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"});
        if (available("tini")) {
            cases.put("tini", new String[] {"tini", "--", "sleep", "1000"});
        }
        if (available("dumb-init")) {
            cases.put("dumb-init", new String[] {"dumb-init", "sleep", "1000"});
        }
        HostPaths live = HostPaths.live();
        Arch arch = Arch.current();
        assumeTrue(arch != null, "unknown architecture");
        Pid1Analyzer analyzer = new Pid1Analyzer(arch, Duration.ofSeconds(5), 2, Set.of());
        Map<String, Pid1Result> results = new LinkedHashMap<>();
        Map<String, ProcessHandle> handles = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Optional<ProcessHandle> h = pid1Of(c.getValue());
            assumeTrue(h.isPresent(), "unshare --pid refused here");
            byte[] st = Files.readAllBytes(Path.of(live.pidFile((int) h.get().pid(), "status")));
            assumeTrue(new String(st).contains("NSpid:\t" + h.get().pid() + "\t1\n"), "not PID 1 of a namespace");
            analyzer.analyze(c.getKey(), facts(live, h.get().pid()), System.nanoTime());
            Thread.sleep(100);
            results.put(c.getKey(), analyzer.analyze(c.getKey(), facts(live, h.get().pid()), System.nanoTime()));
            handles.put(c.getKey(), h.get());
        }
        for (ProcessHandle h : handles.values()) {
            new ProcessBuilder("kill", "-TERM", Long.toString(h.pid())).start().waitFor();
        }
        for (Map.Entry<String, ProcessHandle> e : handles.entrySet()) {
            boolean exited;
            try {
                e.getValue().onExit().get(2, TimeUnit.SECONDS);
                exited = true;
            } catch (java.util.concurrent.TimeoutException t) {
                exited = false;
            }
            Pid1Result r = results.get(e.getKey());
            assertThat(r.catchesSigterm()).as("%s (%s): %s", e.getKey(), r.initKind(), r.look().verdict().reason()).isEqualTo(exited);
        }
        assertThat(results.get("sh waiting").catchesSigterm()).isFalse();
        assertThat(results.get("sh waiting").findings()).extracting(f -> f.rule())
                .containsExactly("pid1-sigterm-dropped", "pid1-signals-not-forwarded");
        assertThat(results.get("sh trapping TERM").findings()).extracting(f -> f.rule())
                .containsExactly("pid1-signals-not-forwarded");
        if (results.containsKey("tini")) {
            assertThat(results.get("tini").initKind()).isEqualTo("tini");
            assertThat(results.get("tini").findings()).isEmpty();
        }
    }
}
