package dev.nscope.cli;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;

import java.io.PrintStream;

/**
 * {@code nscope bench}: times a cold pass (the scanner's first: every file of every process) and
 * steady passes (later passes over the same processes) over the current host, prints a table and a
 * final machine-readable line.
 */
public final class BenchCommand {
    private final Scanner scanner;

    public BenchCommand(Scanner scanner) {
        this.scanner = scanner;
    }

    public int run(int passes, PrintStream out) {
        long t0 = System.nanoTime();
        ScanSnapshot cold = scanner.scan();
        double coldMs = (System.nanoTime() - t0) / 1e6;
        double[] steady = new double[passes - 1];
        ScanSnapshot last = cold;
        for (int i = 0; i < steady.length; i++) {
            long t = System.nanoTime();
            last = scanner.scan();
            steady[i] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(steady);
        double median = steady[steady.length / 2];
        int processes = last.node().processes();
        int containers = last.containers().size();
        out.printf("%-8s %10s %12s %14s%n", "pass", "ms", "processes", "containers");
        out.printf("%-8s %10.1f %12d %14d%n", "cold", coldMs, cold.node().processes(), cold.containers().size());
        out.printf("%-8s %10.1f %12d %14d%n", "steady", median, processes, containers);
        out.printf("(steady: median of %d passes; min %.1f ms, max %.1f ms)%n", steady.length, steady[0], steady[steady.length - 1]);
        out.printf("processes=%d containers=%d cold_ms=%.1f steady_ms=%.1f us_per_process_steady=%.1f%n",
                processes, containers, coldMs, median, processes == 0 ? 0.0 : median * 1000 / processes);
        return 0;
    }
}
