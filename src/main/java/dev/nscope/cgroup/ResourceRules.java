package dev.nscope.cgroup;

import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource rules: {@code memory-near-limit}, {@code pids-near-limit}, {@code oom-killed},
 * {@code cpu-throttled}. Each judges only figures the kernel gave; a missing figure is no finding.
 */
public final class ResourceRules {
    private ResourceRules() {
    }

    public static List<FindingRule<ResourceFacts>> all() {
        return List.of(
                FindingRule.of(RuleCatalog.MEMORY_NEAR_LIMIT, ResourceRules::memoryNearLimit),
                FindingRule.of(RuleCatalog.PIDS_NEAR_LIMIT, ResourceRules::pidsNearLimit),
                FindingRule.of(RuleCatalog.OOM_KILLED, ResourceRules::oomKilled),
                FindingRule.of(RuleCatalog.CPU_THROTTLED, ResourceRules::cpuThrottled),
                FindingRule.of(RuleCatalog.FDS_NEAR_LIMIT, ResourceRules::fdsNearLimit),
                FindingRule.of(RuleCatalog.MEMORY_HIGH_THROTTLED, ResourceRules::memoryHighThrottled),
                FindingRule.of(RuleCatalog.PRESSURE_STALLED, ResourceRules::pressureStalled));
    }

    static Finding fdsNearLimit(ResourceFacts f) {
        ContainerStats.Files files = f.now() == null ? null : f.now().files();
        if (files == null || files.highestShare() == null || files.highestShare() < f.thresholds().fdsNearLimit()) {
            return null;
        }
        long held = Math.round(files.highestShare() * files.limit());
        return RuleCatalog.FDS_NEAR_LIMIT.finding(
                String.format("A process holds %d of the %d files its soft limit allows (%.0f%%): opens will soon fail with EMFILE.",
                        held, files.limit(), files.highestShare() * 100),
                "raise the open-files limit (docker run --ulimit nofile=N:N, Kubernetes: the runtime's default) or close what leaks",
                evidence("descriptors", held, "softLimit", files.limit(), "share", files.highestShare(),
                        "containerDescriptors", files.open(), "threshold", f.thresholds().fdsNearLimit()));
    }

    static Finding memoryHighThrottled(ResourceFacts f) {
        Long now = highEvents(f.now());
        Long before = highEvents(f.previous());
        if (now == null || before == null || now <= before) {
            return null;
        }
        ContainerStats.Memory m = f.now().memory();
        return RuleCatalog.MEMORY_HIGH_THROTTLED.finding(
                "The container went over memory.high " + (now - before) + " time(s) since the previous scan: the kernel throttles "
                        + "its allocations and reclaims its memory.",
                "raise memory.high (Kubernetes: the memory request with MemoryQoS, or memory.high itself) or shrink the working set",
                evidence("highEvents", now, "sincePreviousScan", now - before, "highBytes", m.highBytes(), "usageBytes",
                        m.usageBytes(), "limitBytes", m.limitBytes()));
    }

    private static Long highEvents(ContainerStats s) {
        return s == null || s.memory() == null || s.memory().events() == null ? null : s.memory().events().high();
    }

    static Finding pressureStalled(ResourceFacts f) {
        ContainerStats.Pressure p = f.now() == null ? null : f.now().pressure();
        if (p == null) {
            return null;
        }
        String worst = null;
        ContainerStats.Stall stall = null;
        for (Object[] r : new Object[][] {{"cpu", p.cpu()}, {"memory", p.memory()}, {"io", p.io()}}) {
            ContainerStats.Stall s = (ContainerStats.Stall) r[1];
            if (s != null && s.someAvg60() != null && s.someAvg60() > f.thresholds().pressure()
                    && (stall == null || s.someAvg60() > stall.someAvg60())) {
                worst = (String) r[0];
                stall = s;
            }
        }
        if (stall == null) {
            return null;
        }
        return RuleCatalog.PRESSURE_STALLED.finding(
                String.format("Some of its tasks waited for %s %.1f%% of the last minute (PSI some avg60).", worst, stall.someAvg60()),
                "cpu".equals(worst) ? "raise the CPU limit or lower the load: its tasks wait to run"
                        : "memory".equals(worst) ? "raise the memory limit or shrink the working set: its tasks wait for reclaim"
                        : "spread or lower its IO, or raise its IO limits: its tasks wait for the disk",
                evidence("resource", worst, "someAvg10", stall.someAvg10(), "someAvg60", stall.someAvg60(), "someAvg300",
                        stall.someAvg300(), "fullAvg60", stall.fullAvg60(), "threshold", f.thresholds().pressure()));
    }

    static Finding memoryNearLimit(ResourceFacts f) {
        ContainerStats.Memory m = f.now() == null ? null : f.now().memory();
        if (m == null || m.workingSetBytes() == null || m.limitBytes() == null || m.limitBytes() <= 0) {
            return null;
        }
        double share = (double) m.workingSetBytes() / m.limitBytes();
        if (share < f.thresholds().memoryNearLimit()) {
            return null;
        }
        return RuleCatalog.MEMORY_NEAR_LIMIT.finding(
                String.format("Working set is %.0f%% of the memory limit: the next allocation spike ends in the OOM killer.", share * 100),
                "raise the memory limit or find what the working set holds (anon vs file cache)",
                evidence("workingSetBytes", m.workingSetBytes(), "limitBytes", m.limitBytes(), "share", round(share),
                        "threshold", f.thresholds().memoryNearLimit()));
    }

    static Finding pidsNearLimit(ResourceFacts f) {
        ContainerStats.Pids p = f.now() == null ? null : f.now().pids();
        if (p == null || p.current() == null || p.limit() == null || p.limit() <= 0) {
            return null;
        }
        double share = (double) p.current() / p.limit();
        if (share < f.thresholds().pidsNearLimit()) {
            return null;
        }
        return RuleCatalog.PIDS_NEAR_LIMIT.finding(
                String.format("%d of %d tasks allowed by pids.max are in use: forks will soon be refused.", p.current(), p.limit()),
                "look for leaked processes or unreaped zombies; raise --pids-limit if the load is real",
                evidence("current", p.current(), "limit", p.limit(), "share", round(share), "forkFailures", p.forkFailures(),
                        "threshold", f.thresholds().pidsNearLimit()));
    }

    static Finding oomKilled(ResourceFacts f) {
        Long now = f.now() == null || f.now().memory() == null ? null : f.now().memory().oomKills();
        if (now == null || now == 0) {
            return null;
        }
        Long before = f.previous() == null || f.previous().memory() == null ? null : f.previous().memory().oomKills();
        if (before != null && now <= before) {
            return null;
        }
        long kills = before == null ? now : now - before;
        return RuleCatalog.OOM_KILLED.finding(
                before == null ? "The OOM killer has killed " + now + " process(es) of this container."
                        : "The OOM killer killed " + kills + " process(es) of this container since the previous scan.",
                "raise the memory limit or reduce what the container allocates",
                evidence("oomKills", now, "sincePreviousScan", before == null ? null : kills,
                        "limitBytes", f.now().memory().limitBytes()));
    }

    static Finding cpuThrottled(ResourceFacts f) {
        ContainerStats.Cpu now = f.now() == null ? null : f.now().cpu();
        ContainerStats.Cpu before = f.previous() == null ? null : f.previous().cpu();
        if (now == null || before == null || now.periods() == null || before.periods() == null
                || now.throttledPeriods() == null || before.throttledPeriods() == null) {
            return null;
        }
        long periods = now.periods() - before.periods();
        long throttled = now.throttledPeriods() - before.throttledPeriods();
        if (periods <= 0 || throttled < 0) {
            return null;
        }
        double share = (double) throttled / periods;
        if (share < f.thresholds().cpuThrottled()) {
            return null;
        }
        return RuleCatalog.CPU_THROTTLED.finding(
                String.format("Throttled in %.0f%% of CFS periods since the previous scan: the CPU quota holds it back.", share * 100),
                "raise the CPU limit (or drop it and rely on requests/shares)",
                evidence("throttledPeriods", throttled, "periods", periods, "share", round(share), "quotaCores", now.quotaCores(),
                        "threshold", f.thresholds().cpuThrottled()));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static Map<String, Object> evidence(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
