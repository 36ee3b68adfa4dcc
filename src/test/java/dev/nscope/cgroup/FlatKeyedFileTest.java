package dev.nscope.cgroup;

import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static dev.nscope.cgroup.KernelFiles.ascii;
import static dev.nscope.cgroup.KernelFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatKeyedFileTest {
    private static final FlatKeyedFile.Keys CPU = FlatKeyedFile.Keys.of("usage_usec", "user_usec", "system_usec",
            "nr_periods", "nr_throttled", "throttled_usec", "no_such_key");

    private static FlatKeyedFile.Values parse(byte[] b, FlatKeyedFile.Keys keys) throws MalformedFileException {
        return FlatKeyedFile.parse(b, b.length, keys);
    }

    @Test
    void v2CpuStatOfTheThrottledContainer() throws Exception {
        FlatKeyedFile.Values v = parse(bytes(KernelFiles.v2Cases().resolve(KernelFiles.D1).resolve("cpu.stat")), CPU);
        assertThat(v.get("usage_usec")).isEqualTo(1849270L);
        assertThat(v.get("user_usec")).isEqualTo(848291L);
        assertThat(v.get("system_usec")).isEqualTo(1000978L);
        assertThat(v.get("nr_periods")).isEqualTo(73L);
        assertThat(v.get("nr_throttled")).isEqualTo(73L);
        assertThat(v.get("throttled_usec")).isEqualTo(5664733L);
        assertThat(v.has("no_such_key")).isFalse();
        assertThat(v.get("no_such_key")).isNull();
    }

    @Test
    void v2MemoryStatAndEvents() throws Exception {
        Path d1 = KernelFiles.v2Cases().resolve(KernelFiles.D1);
        FlatKeyedFile.Values stat = parse(bytes(d1.resolve("memory.stat")),
                FlatKeyedFile.Keys.of("anon", "file", "inactive_file"));
        assertThat(stat.get("anon")).isEqualTo(466944L);
        assertThat(stat.get("file")).isEqualTo(126976L);
        assertThat(stat.get("inactive_file")).isEqualTo(118784L);
        FlatKeyedFile.Values events = parse(bytes(d1.resolve("memory.events")), FlatKeyedFile.Keys.of("oom_kill", "max"));
        assertThat(events.get("oom_kill")).isEqualTo(1L);
        assertThat(events.get("max")).isEqualTo(41L);
    }

    @Test
    void pidsEventsCountsRefusedForksAndZeroIsNotAbsent() throws Exception {
        FlatKeyedFile.Keys max = FlatKeyedFile.Keys.of("max");
        assertThat(parse(bytes(KernelFiles.v2Cases().resolve(KernelFiles.E1).resolve("pids.events")), max).get("max"))
                .isEqualTo(1L);
        FlatKeyedFile.Values zero = parse(bytes(KernelFiles.v2Cases().resolve(KernelFiles.D1).resolve("pids.events")), max);
        assertThat(zero.has("max")).isTrue();
        assertThat(zero.get("max")).isZero();
        // newer kernels add "max.imposed": a longer key is not the wanted one
        assertThat(parse(ascii("max.imposed 7\nmax 2\n"), max).get("max")).isEqualTo(2L);
    }

    @Test
    void v1Files() throws Exception {
        Path v1 = KernelFiles.v1Docker();
        FlatKeyedFile.Values oom = parse(bytes(v1.resolve("memory").resolve(KernelFiles.FX_LIMITS).resolve("memory.oom_control")),
                FlatKeyedFile.Keys.of("oom_kill", "under_oom"));
        assertThat(oom.get("oom_kill")).isEqualTo(1L);
        assertThat(oom.get("under_oom")).isZero();
        FlatKeyedFile.Values acct = parse(bytes(v1.resolve("cpuacct").resolve(KernelFiles.FX_LIMITS).resolve("cpuacct.stat")),
                FlatKeyedFile.Keys.of("user", "system"));
        assertThat(acct.get("user")).isEqualTo(434L);
        assertThat(acct.get("system")).isEqualTo(12L);
        FlatKeyedFile.Values cpu = parse(bytes(v1.resolve("cpu").resolve(KernelFiles.FX_LIMITS).resolve("cpu.stat")),
                FlatKeyedFile.Keys.of("nr_periods", "nr_throttled", "throttled_time"));
        assertThat(cpu.get("nr_periods")).isEqualTo(90L);
        assertThat(cpu.get("nr_throttled")).isEqualTo(89L);
        assertThat(cpu.get("throttled_time")).isEqualTo(4340818385L);
        FlatKeyedFile.Values stat = parse(bytes(v1.resolve("memory").resolve(KernelFiles.FX_LIMITS).resolve("memory.stat")),
                FlatKeyedFile.Keys.of("total_rss", "hierarchical_memory_limit", "total_swap"));
        assertThat(stat.get("total_rss")).isEqualTo(106496L);
        assertThat(stat.get("hierarchical_memory_limit")).isEqualTo(67108864L);
        assertThat(stat.get("total_swap")).isZero();
    }

    @Test
    void memoryEventsOfAKernelBefore413HasNoOomKill() throws Exception {
        FlatKeyedFile.Values v = parse(ascii("low 0\nhigh 0\nmax 41\noom 1\n"), FlatKeyedFile.Keys.of("oom_kill"));
        assertThat(v.get("oom_kill")).isNull();
    }

    @Test
    void u64CountersSaturate() throws Exception {
        assertThat(parse(ascii("usage_usec 18446744073709551615\n"), CPU).get("usage_usec")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void valuesOfUnwantedKeysAreNotInterpreted() throws Exception {
        assertThat(parse(ascii("future_key 1.5\nusage_usec 3\n"), CPU).get("usage_usec")).isEqualTo(3L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "usage_usec\n", "usage_usec 12 34\n", "usage_usec abc\n", "usage_usec -1\n",
            "usage_usec 1849270\nuser_u", " 12\n"})
    void malformed(String content) {
        assertThatThrownBy(() -> parse(ascii(content), CPU)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void truncatedRealFileIsMalformed() {
        byte[] b = bytes(KernelFiles.v2Cases().resolve(KernelFiles.D1).resolve("memory.stat"));
        int cut = new String(b).indexOf("inactive_file") + "inactive_file".length();
        assertThatThrownBy(() -> FlatKeyedFile.parse(b, cut, CPU)).isInstanceOf(MalformedFileException.class);
    }
}
