package dev.nscope.pid1;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.ProcStatus;
import dev.nscope.rules.Finding;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.Severity;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nscope.testing.TestData.pid1;
import static dev.nscope.rules.RuleCatalog.PID1_SIGNALS_NOT_FORWARDED;
import static dev.nscope.rules.RuleCatalog.PID1_SIGTERM_DROPPED;
import static dev.nscope.rules.RuleCatalog.PID1_ZOMBIES_NOT_REAPED;
import static org.assertj.core.api.Assertions.assertThat;

/** The verdicts on real PID 1s captured from real kernels, against what those PID 1s really did. */
class RealCapturesTest {
    private static final long T0 = 1_000_000_000L;
    private static final long AFTER_GRACE = T0 + Duration.ofSeconds(6).toNanos();

    private static Pid1Result twoLooks(Pid1Facts facts) {
        Pid1Analyzer a = new Pid1Analyzer(Arch.X86_64, Pid1Analyzer.DEFAULT_ZOMBIE_GRACE, 2, Set.of());
        Pid1Result first = a.analyze("c", facts, T0);
        assertThat(first.findings()).as("one look never flags").isEmpty();
        assertThat(first.catchesSigterm()).as("one look tells nothing yet").isNull();
        return a.analyze("c", facts, AFTER_GRACE);
    }

    private static List<String> rules(Pid1Result r) {
        return r.findings().stream().map(Finding::rule).toList();
    }

    private static Finding finding(Pid1Result r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> signals(Finding f, String mask) {
        return (List<String>) ((Map<String, Object>) f.evidence().get(mask)).get("signals");
    }

    // ---- cgroup2-cases: every PID 1 against host/sigterm-reality.txt

    @Test
    void everyVerdictAgreesWithWhatThePid1DidWithARealSigterm() throws IOException {
        Path host = Fixtures.unpack(Fixtures.V2_CASES).resolve("host");
        HostPaths paths = Fixtures.paths(Fixtures.V2_CASES, "host");
        Map<Integer, String> reality = new HashMap<>();
        for (String line : Files.readAllLines(host.resolve("sigterm-reality.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (!line.startsWith("#") && w.length == 4 && !w[1].equals("-")) {
                reality.put(Integer.parseInt(w[1]), w[3]);
            }
        }
        assertThat(reality).hasSize(8);
        for (String line : Files.readAllLines(host.resolve("cases.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (w[2].equals("-")) {
                continue;
            }
            int pid = Integer.parseInt(w[2]);
            Pid1Result r = twoLooks(CapturedPid1.facts(paths, pid));
            boolean exited = reality.get(pid).equals("exited");
            assertThat(r.catchesSigterm()).as("case %s (pid %d, %s)", w[0], pid, r.initKind()).isEqualTo(exited);
            assertThat(rules(r).contains(PID1_SIGTERM_DROPPED.id())).as("case %s", w[0]).isEqualTo(!exited);
        }
    }

    @Test
    void tiniWaitsInSigtimedwaitAndForwards() {
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 448));
        assertThat(r.initKind()).isEqualTo("tini");
        assertThat(r.look().verdict().how()).isEqualTo("sigtimedwait");
        assertThat(r.look().facts().syscall().number()).isEqualTo(128);
        assertThat(r.look().facts().wchan()).isEqualTo("do_sigtimedwait.isra.0");
        assertThat(r.look().facts().status().sigBlk()).as("the trap: SigBlk reads 0 while it waits").isZero();
        assertThat(r.liveChildren()).isEqualTo(1);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void catatonitPauseKeepsSigtermBlockedForItsSignalfd() {
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 457));
        assertThat(r.initKind()).isEqualTo("catatonit");
        assertThat(r.look().verdict().how()).isEqualTo("blocked");
        assertThat(r.catchesSigterm()).isTrue();
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void trappingShellSavesOnlyItself() {
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 477));
        assertThat(r.initKind()).isEqualTo("shell");
        assertThat(r.catchesSigterm()).isTrue();
        assertThat(rules(r)).containsExactly(PID1_SIGNALS_NOT_FORWARDED.id());
        Finding f = finding(r, PID1_SIGNALS_NOT_FORWARDED.id());
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence().get("children")).isEqualTo(List.of(Map.of("pid", 479, "comm", "sleep")));
        assertThat(f.evidence().get("catchesSigterm")).isEqualTo(true);
        assertThat((String) f.evidence().get("reason")).contains("traps SIGTERM saves only itself");
        assertThat(f.evidence().get("identifiedBy")).isEqualTo("exe /usr/bin/dash");
    }

    @Test
    void sleepDropsSigtermAndLeavesThreeZombies() throws IOException {
        HostPaths paths = Fixtures.paths(Fixtures.V2_CASES, "host");
        Path cg = paths.cgroupRoot().resolve("system.slice/docker-c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1.scope");
        long max = Long.parseLong(Files.readString(cg.resolve("pids.max")).trim());
        long current = Long.parseLong(Files.readString(cg.resolve("pids.current")).trim());
        Pid1Facts facts = CapturedPid1.facts(paths, 488, Signals.SIGTERM, max, current, new ErrorCounts());
        Pid1Result r = twoLooks(facts);
        assertThat(r.catchesSigterm()).isFalse();
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id(), PID1_ZOMBIES_NOT_REAPED.id());
        Finding z = finding(r, PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(z.severity()).isEqualTo(Severity.WARNING);
        assertThat(z.evidence().get("zombies")).isEqualTo(3);
        assertThat(z.evidence().get("zombiePids")).isEqualTo(List.of(490, 493, 495));
        assertThat(z.evidence().get("oldestAgeSeconds")).isEqualTo(6.0);
        assertThat(z.evidence().get("pidsMax")).isEqualTo(16L);
        assertThat(z.evidence().get("pidsCurrent")).isEqualTo(current);
        assertThat(z.evidence().get("shareOfPidsMax")).isEqualTo(0.1875);
        Finding s = finding(r, PID1_SIGTERM_DROPPED.id());
        assertThat(s.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(s.evidence().get("syscall")).isEqualTo("230");
        assertThat(s.evidence().get("wchan")).isEqualTo("hrtimer_nanosleep");
        assertThat(s.evidence().get("verdict")).isEqualTo("default-action");
        assertThat(signals(s, "sigCgt")).isEmpty();
        assertThat(signals(s, "sigIgn")).containsExactly("SIGINT", "SIGQUIT");
        assertThat(r.liveChildren()).as("zombies are no live children: nothing to forward to").isZero();
    }

    @Test
    void shellWaitingOnChildrenDropsAndDoesNotForward() {
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 549));
        assertThat(r.initKind()).isEqualTo("shell");
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id());
        Finding s = finding(r, PID1_SIGTERM_DROPPED.id());
        assertThat(signals(s, "sigCgt")).containsExactly("SIGCHLD");
        assertThat(s.evidence().get("syscall")).isEqualTo("130");
        assertThat(s.evidence().get("wchan")).isEqualTo("sigsuspend.isra.0");
        assertThat(s.fix()).contains("exec");
        Finding n = finding(r, PID1_SIGNALS_NOT_FORWARDED.id());
        assertThat(n.evidence().get("childCount")).isEqualTo(2);
        assertThat(n.evidence().get("children")).isEqualTo(List.of(Map.of("pid", 551, "comm", "sleep"), Map.of("pid", 552, "comm", "sleep")));
    }

    @Test
    void python3HasNoHandler() {
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 556));
        assertThat(r.initKind()).isEqualTo("python");
        assertThat(rules(r)).containsExactly(PID1_SIGTERM_DROPPED.id());
        Finding s = finding(r, PID1_SIGTERM_DROPPED.id());
        assertThat(signals(s, "sigIgn")).containsExactly("SIGINT", "SIGQUIT", "SIGPIPE", "SIGXFSZ");
        assertThat(s.fix()).contains("signal.signal(signal.SIGTERM");
        assertThat(s.evidence().get("exe")).isEqualTo("/usr/bin/python3.12");
    }

    @Test
    void withoutPtraceRightsTiniIsKnownByItsExecutableAndAnUnknownProgramIsNot() {
        Pid1Facts real = CapturedPid1.facts(Fixtures.paths(Fixtures.V2_CASES, "host"), 448);
        Pid1Facts blind = pid1(real).syscall(null).wchan(null).otherZombies(0).pidsMax(null).pidsCurrent(null).build();
        Pid1Result r = twoLooks(blind);
        assertThat(r.catchesSigterm()).isTrue();
        assertThat(r.look().verdict().how()).isEqualTo("known-waiting-init");
        assertThat(r.look().verdict().waitSeen()).isNull();
        assertThat(r.findings()).isEmpty();

        Pid1Facts stranger = pid1().pid(real.pid()).startTime(real.startTime()).comm("myapp").exe("/app/myapp")
                .argv(List.of("/app/myapp")).status(real.status()).stopSignal(real.stopSignal()).build();
        Pid1Result s = twoLooks(stranger);
        assertThat(s.catchesSigterm()).as("an unknown program whose wait cannot be seen is not judged").isNull();
        assertThat(s.look().verdict().how()).isEqualTo("wait-unreadable");
        assertThat(s.findings()).isEmpty();
    }

    // ---- cgroup1-docker: real Docker containers

    private record DockerCase(String id, String name, int pid) {
    }

    private static Map<String, DockerCase> dockerCases() throws IOException {
        Map<String, DockerCase> m = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.unpack(Fixtures.V1_DOCKER).resolve("docker-inspect.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 3 && w[0].matches("[0-9a-f]{64}")) {
                m.put(w[1].substring(1), new DockerCase(w[0], w[1].substring(1), Integer.parseInt(w[2])));
            }
        }
        return m;
    }

    private static int stopSignal(DockerCase c) throws IOException {
        String json = Files.readString(Fixtures.unpack(Fixtures.V1_DOCKER)
                .resolve("var/lib/docker/containers/" + c.id() + "/config.v2.json"));
        Matcher m = Pattern.compile("\"StopSignal\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return Signals.stopSignalOrTerm(m.find() ? m.group(1) : null);
    }

    private static Pid1Result docker(String name) throws IOException {
        DockerCase c = dockerCases().get(name);
        HostPaths paths = Fixtures.paths(Fixtures.V1_DOCKER);
        return twoLooks(CapturedPid1.facts(paths, c.pid(), stopSignal(c), null, null, new ErrorCounts()));
    }

    @Test
    void dockerContainersGetTheVerdictsOfTheirInits() throws IOException {
        record Expect(String kind, boolean catches, List<String> rules) {
        }
        Map<String, Expect> expect = Map.ofEntries(
                Map.entry("fx-plain", new Expect("unknown", false, List.of(PID1_SIGTERM_DROPPED.id()))),
                Map.entry("fx-init", new Expect("docker-init", true, List.of())),
                Map.entry("fx-hostnet", new Expect("unknown", false, List.of(PID1_SIGTERM_DROPPED.id()))),
                Map.entry("fx-limits", new Expect("shell", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_SIGNALS_NOT_FORWARDED.id()))),
                Map.entry("fx-zombies", new Expect("unknown", false, List.of(PID1_SIGTERM_DROPPED.id(), PID1_ZOMBIES_NOT_REAPED.id()))),
                Map.entry("fx-trap", new Expect("shell", true, List.of(PID1_SIGNALS_NOT_FORWARDED.id()))),
                Map.entry("fx-stopsig", new Expect("unknown", false, List.of(PID1_SIGTERM_DROPPED.id()))),
                Map.entry("fx-compose", new Expect("unknown", false, List.of(PID1_SIGTERM_DROPPED.id()))),
                Map.entry("fx-tini", new Expect("tini", true, List.of())),
                Map.entry("fx-catatonit", new Expect("catatonit", true, List.of())),
                Map.entry("fx-dumbinit", new Expect("dumb-init", true, List.of())));
        for (Map.Entry<String, Expect> e : expect.entrySet()) {
            Pid1Result r = docker(e.getKey());
            assertThat(r.initKind()).as(e.getKey()).isEqualTo(e.getValue().kind());
            assertThat(r.catchesSigterm()).as(e.getKey()).isEqualTo(e.getValue().catches());
            assertThat(rules(r)).as(e.getKey()).isEqualTo(e.getValue().rules());
        }
    }

    @Test
    void dockerHostPidContainerHasNoPid1OfItsOwn() throws IOException {
        ProcStatus st = CapturedPid1.facts(Fixtures.paths(Fixtures.V1_DOCKER), dockerCases().get("fx-hostpid").pid()).status();
        assertThat(st.isNamespaceInit()).isFalse();
    }

    @Test
    void dockerInitIsTiniUnderAnotherName() throws IOException {
        Pid1Result r = docker("fx-init");
        assertThat(r.look().init().by()).isEqualTo("exe /sbin/docker-init");
        assertThat(r.look().verdict().how()).isEqualTo("sigtimedwait");
        assertThat(r.liveChildren()).isEqualTo(1);
    }

    @Test
    void busyboxShellMasksAreDecoded() throws IOException {
        Pid1Result r = docker("fx-limits");
        Finding s = finding(r, PID1_SIGTERM_DROPPED.id());
        assertThat(signals(s, "sigCgt")).containsExactly("SIGINT", "SIGCHLD");
        assertThat(((Map<?, ?>) s.evidence().get("sigCgt")).get("hex")).isEqualTo("0000000000010002");
        assertThat(s.evidence().get("identifiedBy")).isEqualTo("exe /bin/busybox, applet sh");
        assertThat(finding(r, PID1_SIGNALS_NOT_FORWARDED.id()).evidence().get("children"))
                .isEqualTo(List.of(Map.of("pid", 21801, "comm", "yes")));
    }

    @Test
    void dockerStopSignalFromConfigIsTheOneJudged() throws IOException {
        DockerCase c = dockerCases().get("fx-stopsig");
        assertThat(stopSignal(c)).isEqualTo(Signals.SIGUSR1);
        Finding s = finding(docker("fx-stopsig"), PID1_SIGTERM_DROPPED.id());
        assertThat(s.evidence().get("stopSignal")).isEqualTo("SIGUSR1");
        assertThat(s.message()).contains("will not receive SIGUSR1");
        assertThat(s.fix()).contains("SIGUSR1");
    }

    @Test
    void dockerZombiesOfPid1() throws IOException {
        Finding z = finding(docker("fx-zombies"), PID1_ZOMBIES_NOT_REAPED.id());
        assertThat(z.evidence().get("zombiePids")).isEqualTo(List.of(21869, 21871, 21873));
        assertThat(z.evidence().get("pidsMax")).isNull();
        assertThat(z.evidence().get("shareOfPidsMax")).isNull();
    }

    @Test
    void unshareSandboxBusyboxStartedByName() {
        // unshare … busybox sleep: exe busybox, comm busybox, the applet is argv[1]
        Pid1Result r = twoLooks(CapturedPid1.facts(Fixtures.paths(Fixtures.V1_DOCKER), 22271));
        assertThat(r.look().init().by()).isEqualTo("exe /usr/bin/busybox, applet sleep");
        assertThat(r.catchesSigterm()).isFalse();
    }

    // ---- cgroup2-node: no syscall, wchan, cmdline or exe (no ptrace rights)

    @Test
    void withoutPtraceRightsKnownInitsAreRecognisedByComm() {
        HostPaths paths = Fixtures.paths(Fixtures.V2_NODE);
        ErrorCounts errors = new ErrorCounts();
        Map<Integer, Pid1Result> r = new HashMap<>();
        for (int pid : new int[] {430, 442, 443, 444, 448}) {
            Pid1Facts f = CapturedPid1.facts(paths, pid, Signals.SIGTERM, null, null, errors);
            assertThat(f.syscall()).isNull();
            assertThat(f.wchan()).isNull();
            assertThat(f.argv()).isEmpty();
            assertThat(f.exe()).isNull();
            r.put(pid, twoLooks(f));
        }
        assertThat(errors.get(ErrorKind.VANISHED) + errors.get(ErrorKind.PERMISSION)).as("absent files are not errors").isZero();

        assertThat(r.get(430).initKind()).isEqualTo("catatonit");
        assertThat(r.get(430).catchesSigterm()).isTrue();
        assertThat(r.get(430).findings()).isEmpty();

        assertThat(r.get(448).initKind()).isEqualTo("dumb-init");
        assertThat(r.get(448).catchesSigterm()).isTrue();
        assertThat(r.get(448).liveChildren()).isEqualTo(1);
        assertThat(r.get(448).findings()).isEmpty();

        assertThat(r.get(442).initKind()).isEqualTo("shell");
        assertThat(r.get(442).look().init().by()).isEqualTo("comm sh (exe unreadable)");
        assertThat(rules(r.get(442))).containsExactly(PID1_SIGTERM_DROPPED.id());

        assertThat(r.get(443).catchesSigterm()).isTrue();
        assertThat(rules(r.get(443))).containsExactly(PID1_SIGNALS_NOT_FORWARDED.id());

        // sleep: no handler, but without syscall and wchan an unknown program might be waiting: not told, not flagged
        assertThat(r.get(444).initKind()).isEqualTo("unknown");
        assertThat(r.get(444).catchesSigterm()).isNull();
        assertThat(rules(r.get(444))).isEmpty();
    }

    @Test
    void theRuleIdsAreTheContractsOnes() {
        assertThat(new Pid1Analyzer(Arch.X86_64, Duration.ofSeconds(5), 2, Set.of()).ruleIds())
                .containsExactly(RuleCatalog.PID1_SIGTERM_DROPPED.id(), RuleCatalog.PID1_ZOMBIES_NOT_REAPED.id(), RuleCatalog.PID1_SIGNALS_NOT_FORWARDED.id())
                .allMatch(RuleCatalog.ALL::contains);
    }
}
