package dev.nscope.cgroup;

import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceRulesTest {
    static final ResourceThresholds T = ResourceThresholds.DEFAULTS;

    static ContainerStats stats(ContainerStats.Cpu cpu, ContainerStats.Memory mem, ContainerStats.Pids pids) {
        return new ContainerStats(cpu, mem, null, pids, null, null);
    }

    static ContainerStats.Memory mem(Long workingSet, Long limit, Long oom) {
        return new ContainerStats.Memory(workingSet, workingSet, null, null, null, limit, null, oom);
    }

    static ContainerStats.Cpu cpu(long periods, long throttled) {
        return new ContainerStats.Cpu(1.0, 0.5, 0.5, periods, throttled, 0.1, 0.5);
    }

    static List<String> fired(ContainerStats now, ContainerStats before) {
        ResourceFacts f = new ResourceFacts(now, before, T);
        return ResourceRules.all().stream().map(r -> r.check(f)).flatMap(Optional::stream).map(Finding::rule).toList();
    }

    @Test
    void memoryNearLimitOnlyWithALimit() {
        assertThat(fired(stats(null, mem(95L, 100L, 0L), null), null)).containsExactly("memory-near-limit");
        assertThat(fired(stats(null, mem(89L, 100L, 0L), null), null)).isEmpty();
        assertThat(fired(stats(null, mem(1L << 40, null, 0L), null), null)).as("unlimited").isEmpty();
        assertThat(fired(stats(null, mem(null, 100L, null), null), null)).as("not offered").isEmpty();
    }

    @Test
    void pidsNearLimit() {
        Finding f = ResourceRules.pidsNearLimit(new ResourceFacts(stats(null, null, new ContainerStats.Pids(46L, 50L, 3L)), null, T));
        assertThat(f.evidence()).containsEntry("current", 46L).containsEntry("limit", 50L).containsEntry("forkFailures", 3L);
        assertThat(fired(stats(null, null, new ContainerStats.Pids(10L, null, 0L)), null)).isEmpty();
    }

    @Test
    void oomKilledWhenTheCountRoseOrIsNonZeroAtTheFirstLook() {
        assertThat(fired(stats(null, mem(1L, null, 1L), null), null)).containsExactly("oom-killed");
        assertThat(fired(stats(null, mem(1L, null, 2L), null), stats(null, mem(1L, null, 1L), null))).containsExactly("oom-killed");
        assertThat(fired(stats(null, mem(1L, null, 2L), null), stats(null, mem(1L, null, 2L), null))).isEmpty();
        assertThat(fired(stats(null, mem(1L, null, 0L), null), null)).isEmpty();
        Finding f = ResourceRules.oomKilled(new ResourceFacts(stats(null, mem(1L, 64L, 5L), null), stats(null, mem(1L, 64L, 2L), null), T));
        assertThat(f.evidence()).containsEntry("oomKills", 5L).containsEntry("sincePreviousScan", 3L);
    }

    @Test
    void cpuThrottledComparesTwoScans() {
        ContainerStats before = stats(cpu(1000, 100), null, null);
        assertThat(fired(stats(cpu(1100, 150), null, null), before)).containsExactly("cpu-throttled");
        assertThat(fired(stats(cpu(1100, 110), null, null), before)).isEmpty();
        assertThat(fired(stats(cpu(1000, 100), null, null), before)).as("no period elapsed").isEmpty();
        assertThat(fired(stats(cpu(5000, 5000), null, null), null)).as("first look: no interval to judge").isEmpty();
    }

    @Test
    void everyRuleHasAContractId() {
        for (FindingRule<ResourceFacts> r : ResourceRules.all()) {
            assertThat(dev.nscope.rules.RuleCatalog.ALL).contains(r.id());
        }
    }
}
