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

import static org.assertj.core.api.Assertions.assertThat;

class ContainerMetricsTest {

    static ContainerSnapshot container(ContainerStats stats, KubernetesRef k8s) {
        return TestData.container("a".repeat(64)).runtime(Runtime.CONTAINERD).name("api").image("img:1").kubernetes(k8s)
                .cgroupPath("/kubepods/x").stats(stats).build();
    }

    static MetricFamily family(List<MetricFamily> fs, String name) {
        return fs.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    static String text(MetricFamily f) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
                    .write(out, new io.prometheus.metrics.model.snapshots.MetricSnapshots(f.build()));
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void networkPerInterfaceWithoutLoopback() {
        ContainerStats.Network net = new ContainerStats.Network(10L, 20L, 1L, 2L, 0L, 0L, 0L, 0L, List.of(
                new ContainerStats.Interface("lo", 5, 5, 1, 1, 0, 0, 0, 0),
                new ContainerStats.Interface("eth0", 10, 20, 1, 2, 0, 0, 3, 0)));
        ContainerStats stats = new ContainerStats(null, null, null, null, null, net);
        List<MetricFamily> fs = ContainerMetrics.collect(List.of(container(stats, null)));
        String rx = text(family(fs, "nscope_container_network_receive_bytes"));
        assertThat(rx).contains("interface=\"eth0\"").contains("} 10.0").doesNotContain("\"lo\"");
        assertThat(family(fs, "nscope_container_network_receive_packets_dropped").isEmpty()).isFalse();
        // a part the kernel did not give is no series at all
        assertThat(family(fs, "nscope_container_memory_usage_bytes").isEmpty()).isTrue();
    }

    @Test
    void kubernetesLabelsOnlyWhenKnown() {
        Labels l = ContainerLabels.of(container(ContainerStats.NONE, new KubernetesRef("uid", "web-0", "shop", "nginx")));
        assertThat(l.get("namespace")).isEqualTo("shop");
        assertThat(l.get("pod")).isEqualTo("web-0");
        assertThat(l.get("container")).isEqualTo("nginx");
        Labels bare = ContainerLabels.of(container(ContainerStats.NONE, new KubernetesRef("uid", null, null, null)));
        assertThat(bare.contains("pod")).isFalse();
        assertThat(bare.size()).isEqualTo(3);
    }

    /** nscope.metrics.extra-labels=image: every per-container series carries the image, the info series once. */
    @Test
    void extraLabelsOnEverySeries() {
        ContainerStats stats = new ContainerStats(new ContainerStats.Cpu(1.0, null, null, null, null, null, null),
                null, null, null, null, null);
        List<MetricFamily> fs = ContainerMetrics.collect(List.of(container(stats, null)), new LabelCache(List.of("image")));
        assertThat(text(family(fs, "nscope_container_cpu_usage_seconds"))).contains("image=\"img:1\"");
        String info = text(family(fs, "nscope_container"));
        assertThat(info.split("image=", -1)).as(info).hasSize(2);
        assertThat(text(family(ContainerMetrics.collect(List.of(container(stats, null))), "nscope_container_cpu_usage_seconds")))
                .doesNotContain("image=");
    }
}
