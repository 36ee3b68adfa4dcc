package dev.nscope.cgroup;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.ProcCgroup;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole containers read from the captured trees, every figure checked against the captured files. */
class CgroupStatsReaderTest {
    private final ErrorCounts errors = new ErrorCounts();

    private static CgroupPaths pathsOf(HostPaths host, CgroupLayout layout, int pid) throws IOException {
        byte[] b = Files.readAllBytes(Path.of(host.pidFile(pid, "cgroup")));
        return CgroupPaths.of(ProcCgroup.parse(b, b.length), layout, CgroupNamespaceRoots.identity(layout));
    }

    private void assertNoErrors() {
        assertThat(errors.snapshot().values()).allMatch(n -> n == 0);
    }

    @Test
    void v2ThrottledOomKilledContainer() throws Exception {
        HostPaths host = Fixtures.paths(Fixtures.V2_CASES, "host");
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(pathsOf(host, layout, 504), 504, errors);

        assertThat(classic(s.cpu())).isEqualTo(new ContainerStats.Cpu(1.84927, 0.848291, 1.000978, 73L, 73L, 5.664733, 0.25));
        assertThat(classic(s.memory())).isEqualTo(new ContainerStats.Memory(1691648L, 1691648L - 118784L, 466944L, 126976L, 0L,
                64L << 20, 64L << 20, 1L));
        assertThat(classic(s.io())).isEqualTo(new ContainerStats.Io(237568L, 33554432L, 9L, 33L,
                List.of(new ContainerStats.Device("254:0", 237568, 33554432, 9, 33))));
        assertThat(s.pids()).isEqualTo(new ContainerStats.Pids(4L, 40L, 0L));
        assertThat(classic(s.pressure())).isEqualTo(new ContainerStats.Pressure(new ContainerStats.Stall(5.339936, 5.339936),
                new ContainerStats.Stall(0.000021, 0.000021), new ContainerStats.Stall(0.003836, 0.003836)));
        assertThat(s.network()).isEqualTo(new ContainerStats.Network(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L,
                List.of(new ContainerStats.Interface("lo", 0, 0, 0, 0, 0, 0, 0, 0))));
        assertNoErrors();
    }

    @Test
    void v2ForkBombAtItsPidsLimitReadThroughAMap() {
        HostPaths host = Fixtures.paths(Fixtures.V2_CASES, "host");
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        Map<Hierarchy, String> paths = Map.of(layout.unified(), "/" + KernelFiles.E1);
        ContainerStats s = new CgroupStatsReader(host, layout).read(paths::get, 0, errors);

        assertThat(s.pids()).isEqualTo(new ContainerStats.Pids(0L, 10L, 1L));
        assertThat(classic(s.cpu())).isEqualTo(new ContainerStats.Cpu(0.007022, 0.0, 0.007022, 0L, 0L, 0.0, null));
        assertThat(classic(s.memory())).isEqualTo(new ContainerStats.Memory(802816L, 802816L, 0L, 0L, 0L, null, 3461120L, 0L));
        assertThat(classic(s.io())).isEqualTo(new ContainerStats.Io(0L, 0L, 0L, 0L, List.of()));
        assertThat(s.network()).isNull();
        assertNoErrors();
    }

    @Test
    void v2RootCgroupLacksLimitFilesWhichAreNullNotZero() {
        HostPaths host = Fixtures.paths(Fixtures.V2_CASES, "host");
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(h -> "/", 0, errors);

        assertThat(classic(s.cpu())).isEqualTo(new ContainerStats.Cpu(9.541963, 2.063699, 7.478263, 0L, 0L, 0.0, null));
        assertThat(classic(s.memory())).isEqualTo(new ContainerStats.Memory(null, null, 13885440L, 989974528L, null, null, null, null));
        assertThat(s.io().readBytes()).isEqualTo(127950848L + 661095424L);
        assertThat(s.io().writeBytes()).isEqualTo(39223296L);
        assertThat(s.io().readOps()).isEqualTo(2305L + 2943L);
        assertThat(s.io().writeOps()).isEqualTo(210L);
        assertThat(s.io().devices()).extracting(ContainerStats.Device::device).containsExactly("254:16", "254:0");
        assertThat(s.pids()).isNull();
        assertThat(classic(s.pressure().cpu())).isEqualTo(new ContainerStats.Stall(5.364101, 0.0));
        assertThat(classic(s.pressure().io())).isEqualTo(new ContainerStats.Stall(0.557518, 0.555603));
        assertNoErrors();
    }

    @Test
    void v2NodeCrioQuotaAndDockerMemoryLimit() {
        HostPaths host = Fixtures.paths(Fixtures.V2_NODE);
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        CgroupStatsReader reader = new CgroupStatsReader(host, layout);

        ContainerStats crio = reader.read(h -> "/" + KernelFiles.CRIO_1E, 0, errors);
        assertThat(classic(crio.cpu())).isEqualTo(new ContainerStats.Cpu(8.871062, 3.902853, 4.968208, 179L, 176L, 8.786737, 0.5));
        assertThat(crio.pids()).isEqualTo(new ContainerStats.Pids(5L, 100L, 0L));
        assertThat(crio.memory().limitBytes()).isNull();
        assertThat(crio.memory().peakBytes()).isEqualTo(2052096L);

        ContainerStats docker = reader.read(h -> "/" + KernelFiles.DOCKER_3C, 0, errors);
        assertThat(classic(docker.memory())).isEqualTo(new ContainerStats.Memory(3510272L, 3510272L, 557056L, 0L, 0L, 32L << 20,
                4030464L, 0L));
        assertThat(docker.pids().limit()).isNull();
        assertNoErrors();
    }

    @Test
    void v1DockerLimitsContainerOnAHybridHost() throws Exception {
        HostPaths host = Fixtures.paths(Fixtures.V1_DOCKER);
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        assertThat(layout.version()).isEqualTo(CgroupVersion.HYBRID);
        ContainerStats s = new CgroupStatsReader(host, layout)
                .read(pathsOf(host, layout, KernelFiles.FX_LIMITS_PID), errors);

        assertThat(classic(s.cpu())).isEqualTo(new ContainerStats.Cpu(4.469834443, 4.34, 0.12, 90L, 89L, 4.340818385, 0.5));
        assertThat(classic(s.memory())).isEqualTo(new ContainerStats.Memory(450560L, 450560L, 106496L, 0L, 0L, 64L << 20,
                64L << 20, 1L));
        assertThat(classic(s.io())).isEqualTo(new ContainerStats.Io(0L, 0L, 0L, 0L, List.of()));
        assertThat(s.pids()).isEqualTo(new ContainerStats.Pids(2L, 50L, 0L));
        // PSI from the unified hierarchy of the hybrid host
        assertThat(classic(s.pressure())).isEqualTo(new ContainerStats.Pressure(new ContainerStats.Stall(3.418555, 3.416678),
                new ContainerStats.Stall(0.00083, 0.00083), new ContainerStats.Stall(0.0, 0.0)));
        assertThat(s.network()).isNull();
        assertNoErrors();
    }

    @Test
    void v1UserAndSystemTicksUseTheGivenClockRate() throws Exception {
        HostPaths host = Fixtures.paths(Fixtures.V1_DOCKER);
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout, 250)
                .read(pathsOf(host, layout, KernelFiles.FX_LIMITS_PID), errors);
        assertThat(s.cpu().userSeconds()).isEqualTo(1.736);
        assertThat(s.cpu().systemSeconds()).isEqualTo(0.048);
    }

    @Test
    void vanishedContainerHasNoPartsAndIsNoError() {
        HostPaths host = Fixtures.paths(Fixtures.V1_DOCKER);
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(h -> "/docker/gone", 999999, errors);
        assertThat(s).isEqualTo(ContainerStats.NONE);
        assertNoErrors();
    }

    @Test
    void malformedFilesAreCountedAndOnlyTheirFiguresAreNull(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("sys/fs/cgroup");
        Path d1 = root.resolve(KernelFiles.D1);
        Files.createDirectories(d1);
        Files.copy(KernelFiles.v2Cases().resolve("cgroup.controllers"), root.resolve("cgroup.controllers"));
        try (var files = Files.list(KernelFiles.v2Cases().resolve(KernelFiles.D1))) {
            for (Path f : files.toList()) {
                Files.copy(f, d1.resolve(f.getFileName()));
            }
        }
        Files.writeString(d1.resolve("cpu.max"), "25000\n");   // cut short
        Files.writeString(d1.resolve("memory.peak"), "");      // empty
        Files.delete(d1.resolve("memory.swap.current"));       // a kernel without swap accounting
        HostPaths host = new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"));
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(h -> "/" + KernelFiles.D1, 0, errors);

        assertThat(classic(s.cpu())).isEqualTo(new ContainerStats.Cpu(1.84927, 0.848291, 1.000978, 73L, 73L, 5.664733, null));
        assertThat(classic(s.memory())).isEqualTo(new ContainerStats.Memory(1691648L, 1691648L - 118784L, 466944L, 126976L, null,
                64L << 20, null, 1L));
        assertThat(errors.get(ErrorKind.MALFORMED)).isEqualTo(2);
        assertThat(errors.get(ErrorKind.IO)).isZero();
    }

    /** The CPU figures the first readers had, for the assertions written then; the later ones are asserted apart. */
    static ContainerStats.Cpu classic(ContainerStats.Cpu c) {
        return c == null ? null : new ContainerStats.Cpu(c.usageSeconds(), c.userSeconds(), c.systemSeconds(), c.periods(),
                c.throttledPeriods(), c.throttledSeconds(), c.quotaCores());
    }

    static ContainerStats.Memory classic(ContainerStats.Memory m) {
        return m == null ? null : new ContainerStats.Memory(m.usageBytes(), m.workingSetBytes(), m.rssBytes(), m.cacheBytes(),
                m.swapBytes(), m.limitBytes(), m.peakBytes(), m.oomKills());
    }

    static ContainerStats.Pressure classic(ContainerStats.Pressure p) {
        return p == null ? null : new ContainerStats.Pressure(classic(p.cpu()), classic(p.memory()), classic(p.io()));
    }

    static ContainerStats.Stall classic(ContainerStats.Stall s) {
        return s == null ? null : new ContainerStats.Stall(s.someSeconds(), s.fullSeconds());
    }

    static ContainerStats.Io classic(ContainerStats.Io io) {
        return io == null || io.devices() == null ? io : new ContainerStats.Io(io.readBytes(), io.writeBytes(), io.readOps(),
                io.writeOps(), io.devices().stream().map(d -> d.withName(null)).toList());
    }

    /** The figures the later readers added, of the throttled, OOM-killed v2 container (real files of its cgroup). */
    @Test
    void v2FiguresAddedForAlerts() throws Exception {
        HostPaths host = Fixtures.paths(Fixtures.V2_CASES, "host");
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(pathsOf(host, layout, 504), 0, errors);
        // cpu.max 25000 100000, cpu.weight 100
        assertThat(s.cpu().quotaMicros()).isEqualTo(25_000L);
        assertThat(s.cpu().periodMicros()).isEqualTo(100_000L);
        assertThat(s.cpu().weight()).isEqualTo(100L);
        assertThat(s.cpu().shares()).isNull();
        // memory.high max, memory.low 0, memory.min 0, memory.swap.max 0; memory.stat file_mapped 16384, kernel 471040
        assertThat(s.memory().highBytes()).isNull();
        assertThat(s.memory().lowBytes()).isZero();
        assertThat(s.memory().minBytes()).isZero();
        assertThat(s.memory().swapLimitBytes()).isZero();
        assertThat(s.memory().mappedFileBytes()).isEqualTo(16384L);
        assertThat(s.memory().kernelBytes()).isEqualTo(471040L);
        // memory.events: low 0, high 0, max 41, oom 1, oom_kill 1, oom_group_kill 0
        assertThat(s.memory().events()).isEqualTo(new ContainerStats.MemoryEvents(0L, 0L, 41L, 1L, 1L, 0L));
        // cpu.pressure: some avg10=32.66 avg60=6.84 avg300=1.46, full the same
        assertThat(s.pressure().cpu()).isEqualTo(new ContainerStats.Stall(5.339936, 5.339936, 32.66, 6.84, 1.46, 32.66, 6.84, 1.46));
        assertNoErrors();
    }

    @Test
    void v1FiguresAddedForAlerts() throws Exception {
        HostPaths host = Fixtures.paths(Fixtures.V1_DOCKER);
        CgroupLayout layout = CgroupLayout.detect(host.cgroupRoot());
        ContainerStats s = new CgroupStatsReader(host, layout).read(pathsOf(host, layout, KernelFiles.FX_LIMITS_PID), errors);
        Path memory = host.cgroupRoot().resolve("memory").resolve(KernelFiles.FX_LIMITS);
        assertThat(s.cpu().quotaMicros()).isEqualTo(50_000L);
        assertThat(s.cpu().periodMicros()).isEqualTo(100_000L);
        assertThat(s.cpu().shares()).isEqualTo(1024L);
        assertThat(s.cpu().weight()).isNull();
        assertThat(s.memory().events().max()).isEqualTo(Long.parseLong(java.nio.file.Files.readString(memory.resolve("memory.failcnt")).trim()));
        assertThat(s.memory().events().oomKill()).isEqualTo(1L);
        assertThat(s.memory().events().low()).isNull();
        assertThat(s.memory().highBytes()).isNull();
        assertNoErrors();
    }
}
