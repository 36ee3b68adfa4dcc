package dev.nscope.metrics;

import dev.nscope.testing.TestData;
import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.Runtime;
import dev.nscope.proc.Namespaces;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import dev.nscope.scan.ProcessSummary;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LabelCacheTest {

    static ContainerSnapshot container(String id, String name, KubernetesRef k8s) {
        return TestData.container(id).runtime(Runtime.CONTAINERD).name(name).image("img:1").kubernetes(k8s).cgroupPath("/kubepods/x").build();
    }

    @Test
    void theSameLabelSetsWhileNothingInThemChanges() {
        LabelCache cache = new LabelCache();
        AtomicInteger made = new AtomicInteger();
        cache.nextSnapshot();
        Labels base = cache.base(container("a", "api", null));
        Labels withState = cache.derived(container("a", "api", null), "state\0S", () -> {
            made.incrementAndGet();
            return base.add("state", "S");
        });
        assertThat((Object) base).isEqualTo(ContainerLabels.of(container("a", "api", null)));

        cache.nextSnapshot(); // a new snapshot, new snapshot objects, same container
        assertThat((Object) cache.base(container("a", "api", null))).isSameAs(base);
        assertThat((Object) cache.derived(container("a", "api", null), "state\0S", () -> {
            made.incrementAndGet();
            return base.add("state", "S");
        })).isSameAs(withState);
        assertThat(made).hasValue(1);
    }

    @Test
    void newLabelsWhenTheBaseChangesAndNoneForContainersThatWentAway() {
        LabelCache cache = new LabelCache();
        cache.nextSnapshot();
        Labels unnamed = cache.base(container("a", null, null));
        cache.base(container("b", "gone-soon", null));

        cache.nextSnapshot();
        Labels named = cache.base(container("a", "api", new KubernetesRef("uid", "web-0", "shop", "nginx")));
        assertThat((Object) named).isNotSameAs(unnamed).isEqualTo(ContainerLabels.of(container("a", "api", new KubernetesRef("uid", "web-0", "shop", "nginx"))));

        cache.nextSnapshot(); // b was not asked for in the last snapshot: forgotten, and made again if it comes back
        cache.nextSnapshot();
        assertThat((Object) cache.base(container("a", "api", new KubernetesRef("uid", "web-0", "shop", "nginx")))).isNotSameAs(named);
    }

    @Test
    void aContainerWhoseLabelValuesKeepChangingDoesNotGrowTheCacheForever() {
        LabelCache cache = new LabelCache();
        ContainerSnapshot c = container("a", "api", null);
        cache.nextSnapshot();
        Labels base = cache.base(c);
        Labels first = cache.derived(c, "info\0comm-0", () -> base.add("pid1_comm", "comm-0"));
        for (int i = 1; i < LabelCache.MAX_DERIVED; i++) {
            String comm = "comm-" + i;
            cache.derived(c, "info\0" + comm, () -> base.add("pid1_comm", comm));
        }
        assertThat((Object) cache.derived(c, "info\0comm-0", () -> base.add("pid1_comm", "comm-0"))).isSameAs(first);
        cache.derived(c, "info\0one-too-many", () -> base.add("pid1_comm", "one-too-many"));
        // the set started again: the first label set is made anew (equal, not the same object)
        Labels again = cache.derived(c, "info\0comm-0", () -> base.add("pid1_comm", "comm-0"));
        assertThat((Object) again).isNotSameAs(first).isEqualTo(first);
    }
}
