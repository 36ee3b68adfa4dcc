package dev.nscope.scan;

import com.sun.management.ThreadMXBean;
import dev.nscope.host.FileBytes;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression guard for the cost of a pass, in measures that do not depend on how busy the machine is:
 * files opened per process and per container, and bytes allocated. (Times are the benchmark's job:
 * bench/run.sh.) Numbers come from the v2 cases capture: 31 processes, 9 containers.
 */
class ScanCostTest {

    record Cost(long reads, long allocated) {
    }

    static Cost pass(Scanner s) {
        ThreadMXBean tm = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long r0 = FileBytes.reads();
        long a0 = tm.getCurrentThreadAllocatedBytes();
        s.scan();
        return new Cost(FileBytes.reads() - r0, tm.getCurrentThreadAllocatedBytes() - a0);
    }

    @Test
    void aSteadyPassReadsAboutOneFilePerProcessAndAFewPerContainer() {
        Scanner s = new Scanner(Fixtures.paths(Fixtures.V2_CASES, "host"));
        int processes = 0;
        int containers = 0;
        Cost cold = pass(s);
        ScanSnapshot snap = s.scan();
        processes = snap.node().processes();
        containers = snap.containers().size();
        long steadyReads = 0;
        long steadyAlloc = Long.MAX_VALUE;
        for (int i = 0; i < 16; i++) {
            Cost c = pass(s);
            steadyReads += c.reads();
            steadyAlloc = Math.min(steadyAlloc, c.allocated());
        }
        double perPass = steadyReads / 16.0;
        // per process: stat, plus cgroup on a 1-in-8 rotation; per container: the cgroup figures (v2: 11 files,
        // limits every few passes), net/dev for namespace owners, PID 1's status (and its wait when its masks leave it open)
        double budget = processes * (1 + 1.0 / 8) + containers * 16.0;
        System.out.printf("cold pass: %d reads, %d bytes allocated; steady pass: %.1f reads (budget %.0f), %d bytes allocated, "
                + "%d processes, %d containers%n", cold.reads(), cold.allocated(), perPass, budget, steadyAlloc, processes, containers);
        assertThat(perPass).isLessThanOrEqualTo(budget);
        assertThat(perPass).as("a steady pass reads much less than a cold one").isLessThan(cold.reads() * 0.75);
        // a steady pass allocates a bounded amount per process and container (records of the snapshot, parse results)
        assertThat(steadyAlloc).isLessThan((long) processes * 4096 + containers * 40_000L);
    }
}
