package dev.nscope.cgroup;

import dev.nscope.host.MalformedFileException;
import dev.nscope.proc.NetDev;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static dev.nscope.cgroup.KernelFiles.bytes;

/**
 * Every parser, fed every prefix of a real file and real files with bytes overwritten, either parses or
 * throws {@link MalformedFileException}: never an index, number or null-pointer exception.
 */
class ParserRobustnessTest {
    private static final FlatKeyedFile.Keys KEYS = FlatKeyedFile.Keys.of("usage_usec", "anon", "inactive_file",
            "oom_kill", "max", "user", "nr_throttled", "throttled_time", "total_rss");
    private static final byte[] NASTY = {0, ' ', '\n', '\t', '\r', ':', '=', '-', '9', 'x', (byte) 0xff, (byte) 0xc3};

    interface Parser {
        void parse(byte[] b, int len) throws MalformedFileException;
    }

    private static void hammer(Parser p, byte[] real) {
        for (int len = 0; len <= real.length; len++) {
            tryParse(p, real, len);
        }
        Random r = new Random(42);
        for (int k = 0; k < 300 && real.length > 0; k++) {
            byte[] b = real.clone();
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                b[r.nextInt(b.length)] = NASTY[r.nextInt(NASTY.length)];
            }
            tryParse(p, b, b.length);
        }
    }

    private static void tryParse(Parser p, byte[] b, int len) {
        try {
            p.parse(b, len);
        } catch (MalformedFileException expected) {
            // the one allowed failure
        }
    }

    @Test
    void allParsersOnRealFiles() {
        Path d1 = KernelFiles.v2Cases().resolve(KernelFiles.D1);
        for (String f : List.of("cpu.stat", "memory.stat", "memory.events", "pids.events")) {
            hammer((b, n) -> FlatKeyedFile.parse(b, n, KEYS), bytes(d1.resolve(f)));
        }
        Path v1 = KernelFiles.v1Docker();
        hammer((b, n) -> FlatKeyedFile.parse(b, n, KEYS), bytes(v1.resolve("memory").resolve(KernelFiles.FX_LIMITS)
                .resolve("memory.stat")));
        for (String f : List.of("memory.current", "memory.max", "pids.max")) {
            hammer(SingleValueFile::parse, bytes(d1.resolve(f)));
            hammer(SingleValueFile::parseLimit, bytes(d1.resolve(f)));
        }
        hammer(CpuMax::parse, bytes(d1.resolve("cpu.max")));
        hammer(CpuCfs::parseQuota, bytes(v1.resolve("cpu").resolve(KernelFiles.FX_LIMITS).resolve("cpu.cfs_quota_us")));
        hammer(CpuCfs::parsePeriod, bytes(v1.resolve("cpu").resolve(KernelFiles.FX_LIMITS).resolve("cpu.cfs_period_us")));
        hammer(IoStat::parse, bytes(KernelFiles.v2Cases().resolve("io.stat")));
        hammer(BlkioStat::parse, KernelFiles.resource("blkio-throttle/blkio.throttle.io_service_bytes"));
        for (String f : List.of("cpu.pressure", "memory.pressure", "io.pressure")) {
            hammer(PressureFile::parse, bytes(d1.resolve(f)));
        }
        hammer(NetDev::parse, bytes(Fixtures.unpack(Fixtures.V2_CASES).resolve("host/proc/2/net/dev")));
    }
}
