package dev.nscope.cli;

import dev.nscope.host.FileBytes;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * {@code nscope bench}: times passes of the scanner over the current host and prints a table and a
 * final machine-readable line. Three kinds of pass are measured:
 * <ul>
 *   <li>first: the very first pass of a fresh JVM (classes loading, code interpreted), what a just
 *       started agent spends once;</li>
 *   <li>cold: a new scanner (nothing cached: every file of every process) in a JVM already warmed on
 *       this host, the best of three such scanners (as the C floor reports the best of its runs);</li>
 *   <li>steady: later passes of that scanner over the same processes (the median is reported).</li>
 * </ul>
 * Each with its wall time, the CPU time of the scanning thread, the files it read and what it allocated.
 */
public final class BenchCommand {
    /** New scanners whose first pass is timed; the best is reported. */
    static final int COLD_TRIES = 3;
    private final Supplier<Scanner> scanners;

    public BenchCommand(Supplier<Scanner> scanners) {
        this.scanners = scanners;
    }

    /** One measured pass. */
    record Pass(double wallMs, double cpuMs, long files, long allocatedKb, int processes, int containers) {
    }

    static Pass measure(Scanner s) {
        com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long f0 = FileBytes.reads();
        long a0 = tm.getCurrentThreadAllocatedBytes();
        long c0 = tm.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        ScanSnapshot snap = s.scan();
        return new Pass((System.nanoTime() - t0) / 1e6, (tm.getCurrentThreadCpuTime() - c0) / 1e6, FileBytes.reads() - f0,
                (tm.getCurrentThreadAllocatedBytes() - a0) / 1024, snap.node().processes(), snap.containers().size());
    }

    public int run(int passes, PrintStream out) {
        Scanner warm = scanners.get();
        Pass first = measure(warm);
        // warm the JIT on this host: steady passes, and cold passes of throwaway scanners
        for (int i = 0; i < passes; i++) {
            warm.scan();
        }
        for (int i = 0; i < 3; i++) {
            scanners.get().scan();
        }
        Scanner scanner = null;
        Pass cold = null;
        for (int i = 0; i < COLD_TRIES; i++) {
            Scanner fresh = scanners.get();
            Pass p = measure(fresh);
            if (cold == null || p.wallMs() < cold.wallMs()) {
                cold = p;
            }
            scanner = fresh;
        }
        Pass[] steady = new Pass[passes];
        for (int i = 0; i < passes; i++) {
            steady[i] = measure(scanner);
        }
        Pass[] byWall = steady.clone();
        Arrays.sort(byWall, (a, b) -> Double.compare(a.wallMs(), b.wallMs()));
        Pass median = byWall[byWall.length / 2];
        int processes = median.processes();
        int containers = median.containers();
        out.printf("%-8s %10s %10s %10s %14s %11s %11s%n", "pass", "wall ms", "cpu ms", "files", "allocated KiB", "processes",
                "containers");
        for (Object[] row : new Object[][] {{"first", first}, {"cold", cold}, {"steady", median}}) {
            Pass p = (Pass) row[1];
            out.printf("%-8s %10.1f %10.1f %10d %14d %11d %11d%n", row[0], p.wallMs(), p.cpuMs(), p.files(), p.allocatedKb(),
                    p.processes(), p.containers());
        }
        out.printf("(first: a fresh JVM's first pass; cold: a new scanner in a warm JVM, best of %d; steady: median of %d passes, "
                + "min %.1f ms, max %.1f ms)%n", COLD_TRIES, passes, byWall[0].wallMs(), byWall[byWall.length - 1].wallMs());
        out.printf("processes=%d containers=%d cold_ms=%.1f steady_ms=%.1f us_per_process_steady=%.1f%n",
                processes, containers, cold.wallMs(), median.wallMs(), processes == 0 ? 0.0 : median.wallMs() * 1000 / processes);
        return 0;
    }
}
