package dev.nscope.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nscope.deploy.Chart.at;
import static dev.nscope.deploy.Chart.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a site sets around the agent, rendered by real Helm: its registry ({@code global.imageRegistry},
 * {@code image.registry}), pull secrets, labels on every object ({@code commonLabels}), the rollout
 * history kept, opt-in {@code prometheus.io/*} annotations, and a pod template that a chart bump alone
 * does not change (so it does not restart the agent on every node).
 */
class HelmChartSiteValuesTest {
    static final Path SITE = Chart.DIR.resolve("ci/registry-values.yaml");

    @Test
    void imagesComeFromTheSitesRegistry(@TempDir Path tmp) throws IOException {
        Path hooks = Chart.copyWithHooksAsObjects(tmp);
        // by default the repository as it is, for the agent and the test pod
        assertThat(Chart.render(null).agent().get("image")).isEqualTo("nscope/nscope:0.1.0");
        assertThat(testPodImage(Chart.render(hooks, null, Map.of()))).isEqualTo("busybox:1.36");
        // image.registry: the agent's image only
        Chart.Rendered own = Chart.render(null, Map.of("image.registry", "registry.example.com"));
        assertThat(own.agent().get("image")).isEqualTo("registry.example.com/nscope/nscope:0.1.0");
        assertThat(Chart.render(null, Map.of("image.registry", "registry.example.com:5000", "image.digest", "sha256:" + "ab".repeat(32)))
                .agent().get("image")).isEqualTo("registry.example.com:5000/nscope/nscope@sha256:" + "ab".repeat(32));
        assertThat(testPodImage(Chart.render(hooks, null, Map.of("image.registry", "registry.example.com")))).isEqualTo("busybox:1.36");
        // global.imageRegistry wins, for every image of the chart
        Chart.Rendered site = Chart.render(SITE);
        assertThat(site.agent().get("image")).isEqualTo("mirror.example.com/ops/nscope:0.1.0-site.1");
        assertThat(testPodImage(Chart.render(hooks, SITE, Map.of()))).isEqualTo("mirror.example.com/busybox:1.36");
    }

    @Test
    void pullSecretsAreGivenByNameOrAsObjects(@TempDir Path tmp) throws IOException {
        List<Map<String, Object>> want = List.of(Map.of("name", "mirror-pull"), Map.of("name", "registry-pull"));
        assertThat(Chart.render(SITE).podSpec().get("imagePullSecrets")).isEqualTo(want);
        assertThat(at(Chart.render(Chart.copyWithHooksAsObjects(tmp), SITE, Map.of()).one("Pod"), "spec", "imagePullSecrets")).isEqualTo(want);
        assertThat(Chart.render(null).podSpec()).doesNotContainKey("imagePullSecrets");
    }

    @Test
    void commonLabelsAreOnEveryObjectAndThePodsButNotInTheSelector(@TempDir Path tmp) throws IOException {
        // every optional object on, over the site's values
        Path everything = Files.writeString(tmp.resolve("everything.yaml"), """
                serviceMonitor: {enabled: true, basicAuth: {username: {name: s, key: u}, password: {name: s, key: p}}}
                podMonitor: {enabled: true, basicAuth: {username: {name: s, key: u}, password: {name: s, key: p}}}
                prometheusRule: {enabled: true}
                networkPolicy: {enabled: true}
                dashboards: {enabled: true}
                webConfig: {basicAuth: true, content: 'basic_auth_users: {a: x}'}
                """);
        Path values = Files.writeString(tmp.resolve("site-everything.yaml"), new org.yaml.snakeyaml.Yaml().dump(Chart.merge(
                map(new org.yaml.snakeyaml.Yaml().load(Files.readString(SITE))), map(new org.yaml.snakeyaml.Yaml().load(Files.readString(everything))))));
        Chart.Rendered r = Chart.render(Chart.copyWithHooksAsObjects(tmp.resolve("chart")), values, Map.of());
        assertThat(r.objects()).extracting(o -> (String) o.get("kind")).contains("ServiceAccount", "Service", "DaemonSet", "ServiceMonitor",
                "PodMonitor", "PrometheusRule", "NetworkPolicy", "ConfigMap", "Secret", "Pod");
        for (Map<String, Object> o : r.objects()) {
            assertThat(map(at(o, "metadata", "labels"))).as("%s %s", o.get("kind"), at(o, "metadata", "name"))
                    .containsEntry("team", "platform").containsEntry("cost-center", "4711");
        }
        Map<String, Object> ds = r.one("DaemonSet");
        assertThat(map(at(ds, "spec", "template", "metadata", "labels"))).containsEntry("team", "platform");
        assertThat(map(at(ds, "spec", "selector", "matchLabels"))).doesNotContainKeys("team", "cost-center")
                .isEqualTo(map(at(Chart.render(null).one("DaemonSet"), "spec", "selector", "matchLabels")));
    }

    @Test
    void theRolloutHistoryKeptIsSet() {
        assertThat(at(Chart.render(null).one("DaemonSet"), "spec", "revisionHistoryLimit")).isEqualTo(10);
        assertThat(at(Chart.render(SITE).one("DaemonSet"), "spec", "revisionHistoryLimit")).isEqualTo(3);
    }

    @Test
    void aChartBumpAloneDoesNotRestartTheAgents(@TempDir Path tmp) throws IOException {
        Map<String, Object> ds = Chart.render(null).one("DaemonSet");
        // the objects say which chart made them; the pods do not
        assertThat(map(at(ds, "metadata", "labels"))).containsKeys("helm.sh/chart", "app.kubernetes.io/version");
        assertThat(map(at(ds, "spec", "template", "metadata", "labels"))).doesNotContainKeys("helm.sh/chart", "app.kubernetes.io/version")
                .containsAllEntriesOf(map(at(ds, "spec", "selector", "matchLabels")));

        Path bumped = Chart.copyTo(tmp);
        String chartYaml = Files.readString(bumped.resolve("Chart.yaml"));
        Files.writeString(bumped.resolve("Chart.yaml"), chartYaml.replace("version: 0.1.0", "version: 0.2.0")
                .replace("appVersion: \"0.1.0\"", "appVersion: \"0.2.0\""));
        Map<String, Object> pinned = Map.of("image.tag", "0.1.0");
        Map<String, Object> before = Chart.render(Chart.DIR, null, pinned).one("DaemonSet");
        Map<String, Object> after = Chart.render(bumped, null, pinned).one("DaemonSet");
        assertThat(at(after, "metadata", "labels", "helm.sh/chart")).isEqualTo("nscope-0.2.0");
        assertThat(at(after, "spec", "template")).isEqualTo(at(before, "spec", "template"));
        // with the image following appVersion, the image changes, and only the image
        Map<String, Object> moved = Chart.render(bumped, null, Map.of()).one("DaemonSet");
        assertThat(at(moved, "spec", "template", "spec", "containers", 0, "image")).isEqualTo("nscope/nscope:0.2.0");
        assertThat(at(moved, "spec", "template", "metadata")).isEqualTo(at(before, "spec", "template", "metadata"));
    }

    @Test
    void scrapeAnnotationsAreOptIn() {
        assertThat(at(Chart.render(null).one("DaemonSet"), "spec", "template", "metadata", "annotations")).isNull();
        Map<String, Object> a = map(at(Chart.render(null, Map.of("scrapeAnnotations", true)).one("DaemonSet"),
                "spec", "template", "metadata", "annotations"));
        assertThat(a).isEqualTo(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "9810",
                "prometheus.io/path", "/actuator/prometheus", "prometheus.io/scheme", "http"));
        // on the pods only: a Service annotated too would be scraped a second time by the usual service-endpoints job
        assertThat(at(Chart.render(null, Map.of("scrapeAnnotations", true)).one("Service"), "metadata", "annotations")).isNull();
    }

    private static Object testPodImage(Chart.Rendered r) {
        return at(r.one("Pod"), "spec", "containers", 0, "image");
    }
}
