package dev.nscope.scan;

import dev.nscope.host.HostPaths;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a steady pass re-reads, and how stale what it does not re-read can get. */
class WhatEachPassReadsTest {
    /** A container of the v2 capture that does not run between passes (its files do not change). */
    private static final String IDLE = "d1".repeat(32);

    /** A writable copy of the v2 capture (files are changed between passes), a scanner on it, the idle container's cgroup. */
    private Path copy;
    private Scanner scanner;
    private Path cg;

    @BeforeEach
    void copyTheCapture(@TempDir Path tmp) throws IOException, InterruptedException {
        copy = tmp.resolve("t");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V2_CASES).resolve("host").toString(), copy.toString())
                .start().waitFor()).isZero();
        scanner = new Scanner(new HostPaths(copy.resolve("proc"), copy.resolve("sys")));
        cg = copy.resolve("sys/fs/cgroup/system.slice/docker-" + IDLE + ".scope");
    }

    @Test
    void aChangedLimitShowsWithinTheSlowInterval() throws Exception {
        assertThat(scanner.scan().find(IDLE).orElseThrow().stats().memory().limitBytes()).isEqualTo(64L << 20);
        Files.writeString(cg.resolve("memory.max"), (128L << 20) + "\n");
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(scanner.scan().find(IDLE).orElseThrow().stats().memory().limitBytes());
        }
        assertThat(seen.get(0)).as("not re-read on the next pass").isEqualTo(64L << 20);
        assertThat(seen.get(seen.size() - 1)).as("re-read within 6 or 7 passes").isEqualTo(128L << 20);
    }

    @Test
    void anIdleContainerIsTakenAsItWasUntilItRunsOrItsRefreshIsDue() throws Exception {
        long usage = settled().find(IDLE).orElseThrow().stats().memory().usageBytes();
        // the kernel reclaims page cache of an idle container: its memory moves without it running
        Files.writeString(cg.resolve("memory.current"), (usage - 4096) + "\n");
        assertThat(scanner.scan().find(IDLE).orElseThrow().stats().memory().usageBytes()).as("idle: last reading stands").isEqualTo(usage);
        // it runs: its CPU usage moves, and everything of it is read again at once
        runFor1ms(cg);
        assertThat(scanner.scan().find(IDLE).orElseThrow().stats().memory().usageBytes()).isEqualTo(usage - 4096);
        // idle again: a change the kernel makes shows at the next full read, within IDLE_REFRESH passes
        Files.writeString(cg.resolve("memory.current"), (usage - 8192) + "\n");
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < PassMemory.IDLE_REFRESH; i++) {
            seen.add(scanner.scan().find(IDLE).orElseThrow().stats().memory().usageBytes());
        }
        // the last reading stands until the container's turn (each container has its own, so any of these passes)
        int turn = seen.indexOf(usage - 8192);
        assertThat(turn).as("read again within %d passes: %s", PassMemory.IDLE_REFRESH, seen).isNotNegative();
        assertThat(seen.subList(0, turn)).as("before its turn: %s", seen).allMatch(v -> v == usage - 4096);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(usage - 8192);
    }

    @Test
    void anIdleContainersRefreshReadsItsCgroupNotItsProcessesWhichOnlyChangeByRunning() throws Exception {
        ContainerSnapshot first = settled().find(IDLE).orElseThrow();
        ProcessEntry p = first.processList().get(0);
        // a file the kernel could not show without the process running (its thread count), and one it could
        Path stat = copy.resolve("proc/" + p.pid() + "/stat");
        String line = Files.readString(stat);
        String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
        after[17] = String.valueOf(p.threads() + 1); // num_threads, field 20 of stat
        Files.writeString(stat, line.substring(0, line.lastIndexOf(')') + 2) + String.join(" ", after));
        long usage = first.stats().memory().usageBytes();
        Files.writeString(cg.resolve("memory.current"), (usage - 4096) + "\n");
        ContainerSnapshot c = null;
        for (int i = 0; i < PassMemory.IDLE_REFRESH; i++) {
            c = scanner.scan().find(IDLE).orElseThrow();
        }
        assertThat(c.stats().memory().usageBytes()).as("cgroup figures read again at its turn").isEqualTo(usage - 4096);
        assertThat(c.processList().get(0).threads()).as("its processes have not run: taken as they were").isEqualTo(p.threads());
        runFor1ms(cg);
        assertThat(scanner.scan().find(IDLE).orElseThrow().processList().get(0).threads()).as("it ran: read at once")
                .isEqualTo(p.threads() + 1);
    }

    /**
     * What one cgroup lacks is that cgroup's: a container whose {@code memory.current} is gone (its parent no
     * longer enables the controller for it) has no usage, and every other container keeps its own, pass
     * after pass. Once a missing file was remembered by its name alone, and every container's memory read
     * null from then on.
     */
    @Test
    void aFileOneCgroupLacksHidesNothingOfAnotherCgroup() throws Exception {
        ScanSnapshot first = scanner.scan();
        List<ContainerSnapshot> others = first.containers().stream()
                .filter(c -> !c.id().equals(IDLE) && c.stats().memory() != null && c.stats().memory().usageBytes() != null).toList();
        assertThat(others).isNotEmpty();
        Files.delete(cg.resolve("memory.current"));
        runFor1ms(cg);
        for (int i = 0; i < PassMemory.IDLE_REFRESH + 2; i++) {
            ScanSnapshot s = scanner.scan();
            assertThat(s.find(IDLE).orElseThrow().stats().memory().usageBytes()).as("pass %d: its own file is gone", i).isNull();
            for (ContainerSnapshot o : others) {
                assertThat(s.find(o.id()).orElseThrow().stats().memory().usageBytes()).as("pass %d: %s", i, o.id())
                        .isEqualTo(o.stats().memory().usageBytes());
            }
            // the others run too, so that their figures are read again rather than carried
            for (ContainerSnapshot o : others) {
                runFor1ms(copy.resolve("sys/fs/cgroup" + o.cgroupPath()));
            }
        }
        assertThat(scanner.scan().node().scanErrors().values()).allMatch(n -> n == 0);
    }

    @Test
    void aProcessMovedToAnotherContainerCgroupIsSeenThereWithinTheRotation() throws Exception {
        Live.requireRoot();
        Path pids = Path.of("/sys/fs/cgroup/pids");
        Live.require(Files.isDirectory(pids), "a v1 pids hierarchy (this machine's hybrid layout)");
        String a = "a0".repeat(32);
        String b = "b0".repeat(32);
        Path dirA = pids.resolve("docker/" + a);
        Path dirB = pids.resolve("docker/" + b);
        Files.createDirectories(dirA);
        Files.createDirectories(dirB);
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(dirA.resolve("cgroup.procs"), String.valueOf(sleeper.pid()));
            Scanner scanner = new Scanner(HostPaths.live());
            assertThat(pidsOf(scanner.scan(), a)).contains((int) sleeper.pid());
            Files.writeString(dirB.resolve("cgroup.procs"), String.valueOf(sleeper.pid()));
            int passes = 0;
            ScanSnapshot s;
            do {
                s = scanner.scan();
                passes++;
            } while (!pidsOf(s, b).contains((int) sleeper.pid()) && passes < 20);
            assertThat(pidsOf(s, b)).as("seen in its new cgroup after " + passes + " passes").contains((int) sleeper.pid());
            assertThat(passes).isLessThanOrEqualTo(PassMemory.CGROUP_RECHECK);
            assertThat(pidsOf(s, a)).doesNotContain((int) sleeper.pid());
        } finally {
            sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            Files.deleteIfExists(dirA);
            Files.deleteIfExists(dirB);
        }
    }

    /**
     * A container's processes are read before its cgroup is known, so at first sight its CPU usage is read after
     * them: a process that changed in between (a child that exited into a zombie) would stay hidden behind an
     * "idle" container that never runs again (a {@code sleep} PID 1). So the pass after first sight reads the
     * processes again, and only from then on may they be carried.
     */
    @Test
    void theProcessesOfANewContainerAreReadAgainInTheNextPass() throws Exception {
        ContainerSnapshot first = scanner.scan().find(IDLE).orElseThrow();
        ProcessEntry p = first.processList().get(0);
        Path stat = copy.resolve("proc/" + p.pid() + "/stat");
        String line = Files.readString(stat);
        String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
        after[17] = String.valueOf(p.threads() + 1); // num_threads, field 20: it changed, its CPU usage did not visibly
        Files.writeString(stat, line.substring(0, line.lastIndexOf(')') + 2) + String.join(" ", after));
        assertThat(scanner.scan().find(IDLE).orElseThrow().processList().get(0).threads()).isEqualTo(p.threads() + 1);
    }

    /**
     * The second pass: a container seen for the first time is read in full once more (its processes were read
     * before its cgroup was known), after which it can be idle.
     */
    private ScanSnapshot settled() {
        scanner.scan();
        return scanner.scan();
    }

    /** What the kernel shows once the container ran: its CPU usage moved (by a millisecond). */
    private static void runFor1ms(Path cg) throws IOException {
        String cpu = Files.readString(cg.resolve("cpu.stat"));
        long usec = Long.parseLong(cpu.lines().filter(l -> l.startsWith("usage_usec")).findFirst().orElseThrow().split(" ")[1]);
        Files.writeString(cg.resolve("cpu.stat"), cpu.replace("usage_usec " + usec, "usage_usec " + (usec + 1000)));
    }

    static List<Integer> pidsOf(ScanSnapshot s, String id) {
        return s.find(id).map(c -> c.processList().stream().map(ProcessEntry::pid).toList()).orElse(List.of());
    }

    @Test
    void aProcessThatExecsIsReReadAtOnce() throws IOException, InterruptedException {
        Live.requireRoot();
        // a wrapper that moves itself into a cgroup and then execs, as the benchmark's sandboxes do
        Path dir = Path.of("/sys/fs/cgroup/pids/docker/" + "c0".repeat(32));
        Live.require(Files.isDirectory(dir.getParent().getParent()), "a v1 pids hierarchy");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("sh", "-c", "sleep 0.5; echo $$ > " + dir + "/cgroup.procs; exec sleep 300").start();
        try {
            Scanner scanner = new Scanner(HostPaths.live());
            scanner.scan();
            Thread.sleep(1200);
            assertThat(pidsOf(scanner.scan(), "c0".repeat(32))).contains((int) p.pid());
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            Files.deleteIfExists(dir);
        }
    }
}
