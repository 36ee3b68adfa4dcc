package dev.nscope.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.nscope.settings.NscopeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nscope.deploy.Chart.at;
import static dev.nscope.deploy.Chart.list;
import static dev.nscope.deploy.Chart.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, linted and rendered by real Helm: {@code helm lint --strict}, and
 * {@code helm template} with the defaults and with every {@code helm/nscope/ci/*-values.yaml}.
 * Assertions are on the parsed objects' fields: the DaemonSet's least privilege, its host mounts and
 * arguments, the selectors that tie Service, monitors and pods together, and each optional object.
 */
class HelmChartTest {
    /** The chart with its hooks as plain objects (see {@link Chart#copyWithHooksAsObjects}). */
    static Path withHooks;

    @org.junit.jupiter.api.BeforeAll
    static void copyTheChart(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        withHooks = Chart.copyWithHooksAsObjects(tmp);
    }

    static Stream<Path> valuesFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(null); // the chart's own defaults
        try (Stream<Path> s = Files.list(Chart.DIR.resolve("ci"))) {
            s.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        return files.stream();
    }

    @Test
    void lintsStrictlyClean() {
        LintResult r = new Helm(Chart.DIR).lint().strict().call();
        assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
        assertThat(r.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void lintsStrictlyCleanWithEveryCiValuesFile(Path values, @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        // helm lint takes no values file: lint a copy whose values.yaml has the file merged in
        Path chart = values == null ? Chart.DIR : Chart.copyWithValues(tmp, values);
        LintResult r = new Helm(chart).lint().strict().call();
        assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
        assertThat(r.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void everyRenderingKeepsTheDaemonSetLeastPrivileged(Path values) {
        Chart.Rendered r = Chart.render(values);
        assertThat(r.all("Pod")).as("hooks are not in the manifest").isEmpty();
        Chart.Rendered hooks = Chart.render(withHooks, values, Map.of());
        Map<String, Object> pod = r.podSpec();
        Map<String, Object> c = r.agent();

        // the host's processes, no Kubernetes API token, no service links turned into NSCOPE_* variables
        assertThat(pod.get("hostPID")).isEqualTo(true);
        assertThat(pod.get("hostNetwork")).isNull();
        assertThat(pod.get("hostIPC")).isNull();
        assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);
        assertThat(pod.get("enableServiceLinks")).isEqualTo(false);
        assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat(map(pod.get("nodeSelector"))).containsEntry("kubernetes.io/os", "linux");

        Map<String, Object> sc = map(c.get("securityContext"));
        assertThat(sc.get("runAsUser")).isEqualTo(0);
        assertThat(sc.get("runAsNonRoot")).isEqualTo(false);
        assertThat(sc.get("privileged")).isEqualTo(false);
        assertThat(sc.get("allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(sc.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(sc, "capabilities", "drop")).isEqualTo(List.of("ALL"));
        // NET_ADMIN only for the process events (on unless a values file turns them off)
        boolean events = !r.agentArgs().contains("--nscope.events.enabled=false");
        assertThat(at(sc, "capabilities", "add")).isEqualTo(events ? List.of("SYS_PTRACE", "DAC_READ_SEARCH", "NET_ADMIN")
                : List.of("SYS_PTRACE", "DAC_READ_SEARCH"));
        assertThat(at(sc, "seccompProfile", "type")).isEqualTo("RuntimeDefault");

        // every host path is mounted read-only; procfs and sysfs where the arguments say
        Map<String, String> hostPathOf = new HashMap<>();
        for (Map<String, Object> v : list(pod.get("volumes"))) {
            if (v.get("hostPath") != null) {
                hostPathOf.put((String) v.get("name"), (String) at(v, "hostPath", "path"));
            }
        }
        Map<String, String> mountedAt = new LinkedHashMap<>();
        for (Map<String, Object> m : list(c.get("volumeMounts"))) {
            String name = (String) m.get("name");
            if (hostPathOf.containsKey(name)) {
                assertThat(m.get("readOnly")).as("mount of host path " + name).isEqualTo(true);
                if (!name.equals("host-proc") && !name.equals("host-sys")) {
                    // unmounts of the runtimes' shm and rootfs mounts below reach the pod
                    assertThat(m.get("mountPropagation")).as(name).isEqualTo("HostToContainer");
                }
                mountedAt.put(hostPathOf.get(name), (String) m.get("mountPath"));
            } else if (name.equals("web-config")) {
                // the web config's Secret (TLS, basic auth): read-only as well
                assertThat(m.get("readOnly")).as(name).isEqualTo(true);
                assertThat(m.get("mountPath")).isEqualTo("/etc/nscope/web");
            } else {
                assertThat(name).as("the only writable mount").isEqualTo("tmp");
                assertThat(m.get("mountPath")).isEqualTo("/tmp");
            }
        }
        assertThat(mountedAt).containsEntry("/proc", "/host/proc").containsEntry("/sys", "/host/sys");
        List<String> args = r.agentArgs();
        assertThat(args).contains("--nscope.procfs=/host/proc", "--nscope.sysfs=/host/sys", "--server.port=9810");
        mountedAt.forEach((host, inPod) -> {
            if (!host.equals("/proc") && !host.equals("/sys")) {
                // runtime state: the same path as on the host, and never a directory of API sockets
                assertThat(inPod).isEqualTo(host);
                assertThat(host).isNotIn("/", "/run", "/var/run", "/run/containerd", "/var/lib/docker", "/run/crio",
                        "/run/containers/storage", "/var/lib/containers/storage", "/run/user");
                assertThat(host).matches(".+/(containers|io\\.containerd\\.runtime\\.v2\\.task|overlay-containers)");
            }
        });

        // the arguments name properties the agent has, with values it accepts
        NscopeProperties bound = bindNscopeArguments(args);
        assertThat(bound.procfs()).isEqualTo(Path.of("/host/proc"));
        assertThat(bound.sysfs()).isEqualTo(Path.of("/host/sys"));

        // the port, the probes on the actuator health groups
        assertThat(list(c.get("ports"))).singleElement().satisfies(p -> {
            assertThat(p.get("name")).isEqualTo("http");
            assertThat(p.get("containerPort")).isEqualTo(9810);
        });
        for (String[] probe : new String[][] {{"livenessProbe", "/actuator/health/liveness"},
                {"readinessProbe", "/actuator/health/readiness"}, {"startupProbe", "/actuator/health/liveness"}}) {
            assertThat(at(c, probe[0], "httpGet", "path")).as(probe[0]).isEqualTo(probe[1]);
            assertThat(at(c, probe[0], "httpGet", "port")).as(probe[0]).isEqualTo("http");
        }

        // selectors: the DaemonSet's pods, the Service, the monitors all agree
        Map<String, Object> ds = r.one("DaemonSet");
        Map<String, Object> selector = map(at(ds, "spec", "selector", "matchLabels"));
        assertThat(map(at(ds, "spec", "template", "metadata", "labels"))).containsAllEntriesOf(selector);
        assertThat(map(at(r.one("Service"), "spec", "selector"))).isEqualTo(selector);
        assertThat(at(r.one("Service"), "spec", "ports", 0, "targetPort")).isEqualTo("http");
        for (String kind : List.of("ServiceMonitor", "PodMonitor")) {
            for (Map<String, Object> m : r.all(kind)) {
                assertThat(map(at(m, "spec", "selector", "matchLabels"))).as(kind).isEqualTo(selector);
            }
        }

        // the ServiceAccount named by the pods exists and carries no token either
        Map<String, Object> sa = r.one("ServiceAccount");
        assertThat(at(sa, "metadata", "name")).isEqualTo(pod.get("serviceAccountName"));
        assertThat(sa.get("automountServiceAccountToken")).isEqualTo(false);

        // the helm test: a hook pod that asks the Service for health, not selected as an agent
        Map<String, Object> test = hooks.one("Pod");
        assertThat(map(at(test, "metadata", "annotations"))).containsEntry("was.helm.sh/hook", "test");
        assertThat(map(at(test, "metadata", "labels"))).doesNotContainEntry("app.kubernetes.io/component", "agent");
        @SuppressWarnings("unchecked")
        List<String> cmd = (List<String>) at(test, "spec", "containers", 0, "command");
        assertThat(cmd.get(0)).isEqualTo("wget");
        // http, or https where the web config turns TLS on (the probes say which)
        String scheme = ((String) at(c, "livenessProbe", "httpGet", "scheme")).toLowerCase(java.util.Locale.ROOT);
        assertThat(scheme).isIn("http", "https");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo(scheme + "://" + at(r.one("Service"), "metadata", "name") + "."
                + Chart.NAMESPACE + ".svc:" + at(r.one("Service"), "spec", "ports", 0, "port") + "/actuator/health");
        assertThat(at(test, "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
    }

    @Test
    void defaultsAddNothingOptionalAndNoJvmOptions() {
        Chart.Rendered r = Chart.render(null);
        assertThat(r.objects()).extracting(o -> (String) o.get("kind"))
                .containsExactlyInAnyOrder("ServiceAccount", "Service", "DaemonSet");
        Map<String, Object> c = r.agent();
        // the image's ENTRYPOINT keeps its JVM flags: no command, no JAVA_TOOL_OPTIONS
        assertThat(c.get("command")).isNull();
        assertThat(list(c.get("env"))).noneMatch(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")));
        assertThat(at(c, "securityContext", "appArmorProfile")).isNull();
        assertThat(at(r.one("DaemonSet"), "spec", "template", "metadata", "annotations")).isNull();
        assertThat(r.podSpec().get("priorityClassName")).isNull();
        assertThat(list(r.podSpec().get("tolerations"))).containsExactly(Map.of("operator", "Exists"));
        assertThat(at(c, "resources", "limits", "memory")).isEqualTo("256Mi");
        assertThat(at(r.one("DaemonSet"), "spec", "template", "spec", "containers", 0, "image")).isEqualTo("nscope/nscope:0.1.0");
        // runtime state of Docker, containerd, CRI-O and podman, at the agent's default paths
        assertThat(r.agentArgs()).contains("--nscope.runtime.docker-root=/var/lib/docker",
                "--nscope.runtime.containerd-state=/run/containerd",
                "--nscope.runtime.containers-storage=/run/containers/storage,/var/lib/containers/storage");
        assertThat(hostPaths(r)).containsExactlyInAnyOrder("/proc", "/sys", "/var/lib/docker/containers",
                "/run/containerd/io.containerd.runtime.v2.task", "/run/containers/storage/overlay-containers",
                "/var/lib/containers/storage/overlay-containers");
    }

    @Test
    void theChartShipsTheTestedRulesAndDashboardsUnchanged() throws IOException {
        // one source of truth: the mixin's rules (mixin/generate.sh writes prometheus/ and the chart's copy; MixinTest)
        // and dashboards/ (tested with promtool and a live Prometheus); the chart holds byte-for-byte copies. After
        // changing the dashboards: cp dashboards/*.json helm/nscope/dashboards/
        assertThat(Files.readString(Chart.DIR.resolve("files/nscope-rules.yaml")))
                .isEqualTo(Files.readString(Path.of("prometheus/nscope-rules.yaml")));
        List<String> source;
        try (Stream<Path> s = Files.list(Path.of("dashboards"))) {
            source = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        List<String> shipped;
        try (Stream<Path> s = Files.list(Chart.DIR.resolve("dashboards"))) {
            shipped = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        assertThat(shipped).isEqualTo(source);
        for (String d : source) {
            assertThat(Files.readString(Chart.DIR.resolve("dashboards").resolve(d))).as(d)
                    .isEqualTo(Files.readString(Path.of("dashboards").resolve(d)));
        }
    }

    @Test
    void monitoringValuesAddMonitorsTheRuleTheDashboardsAndThePolicy() throws IOException {
        Chart.Rendered r = Chart.render(Chart.DIR.resolve("ci/monitoring-values.yaml"));
        for (String kind : List.of("ServiceMonitor", "PodMonitor")) {
            Map<String, Object> m = r.one(kind);
            assertThat(at(m, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
            Object endpoint = at(m, "spec", kind.equals("ServiceMonitor") ? "endpoints" : "podMetricsEndpoints", 0);
            assertThat(at(endpoint, "port")).isEqualTo("http");
            assertThat(at(endpoint, "path")).isEqualTo("/actuator/prometheus");
            // the containers' own namespace, pod and container labels survive the scrape
            assertThat(at(endpoint, "honorLabels")).isEqualTo(true);
            // the alerting rules select job="nscope"; the dashboards take the node from instance
            assertThat(at(endpoint, "relabelings", 0, "targetLabel")).isEqualTo("job");
            assertThat(at(endpoint, "relabelings", 0, "replacement")).isEqualTo("nscope");
            assertThat(at(endpoint, "relabelings", 1, "targetLabel")).isEqualTo("instance");
            assertThat(at(endpoint, "relabelings", 1, "sourceLabels")).isEqualTo(List.of("__meta_kubernetes_pod_node_name"));
            assertThat(at(endpoint, "relabelings", 2, "targetLabel")).isEqualTo("node");
            assertThat(at(m, "spec", "namespaceSelector", "matchNames")).isEqualTo(List.of(Chart.NAMESPACE));
        }
        assertThat(at(r.one("ServiceMonitor"), "metadata", "labels", "release")).isEqualTo("kube-prometheus-stack");
        assertThat(at(r.one("ServiceMonitor"), "spec", "endpoints", 0, "interval")).isEqualTo("15s");

        // the rule is the rules file, group for group, Prometheus templates untouched
        Map<String, Object> rule = r.one("PrometheusRule");
        Map<String, Object> file = map(new Yaml().load(Files.readString(Chart.DIR.resolve("files/nscope-rules.yaml"))));
        assertThat(at(rule, "spec", "groups")).isEqualTo(file.get("groups"));
        assertThat(r.yaml()).contains("{{ $labels.pod }}");
        assertThat(at(rule, "metadata", "labels", "release")).isEqualTo("kube-prometheus-stack");

        // no egress at all; ingress only to the metrics port, from the monitoring namespace and the test pod
        Map<String, Object> np = r.one("NetworkPolicy");
        assertThat(at(np, "spec", "policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
        assertThat(at(np, "spec", "egress")).isEqualTo(List.of());
        assertThat(map(at(np, "spec", "podSelector", "matchLabels")))
                .isEqualTo(map(at(r.one("DaemonSet"), "spec", "selector", "matchLabels")));
        assertThat(list(at(np, "spec", "ingress"))).singleElement().satisfies(in -> {
            assertThat(at(in, "ports")).isEqualTo(List.of(Map.of("port", "http", "protocol", "TCP")));
            assertThat(at(in, "from", 0, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")).isEqualTo("monitoring");
            assertThat(map(at(in, "from", 1, "podSelector", "matchLabels")))
                    .isEqualTo(map(at(Chart.render(withHooks, Chart.DIR.resolve("ci/monitoring-values.yaml"), Map.of()).one("Pod"),
                            "metadata", "labels")).entrySet().stream()
                            .filter(e -> e.getKey().equals("app.kubernetes.io/name") || e.getKey().equals("app.kubernetes.io/instance")
                                    || e.getKey().equals("app.kubernetes.io/component"))
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        });

        // one ConfigMap per dashboard file, labelled for Grafana's sidecar, holding the file as it is
        List<Path> dashboards;
        try (Stream<Path> s = Files.list(Chart.DIR.resolve("dashboards"))) {
            dashboards = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertThat(dashboards).isNotEmpty();
        List<Map<String, Object>> cms = r.all("ConfigMap");
        assertThat(cms).hasSameSizeAs(dashboards);
        JsonMapper json = new JsonMapper();
        for (Path d : dashboards) {
            String key = d.getFileName().toString();
            Map<String, Object> cm = cms.stream().filter(m -> map(m.get("data")).containsKey(key)).findFirst().orElseThrow();
            assertThat(at(cm, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
            assertThat(at(cm, "metadata", "namespace")).isEqualTo("monitoring");
            assertThat(json.readTree((String) at(cm, "data", key))).isEqualTo(json.readTree(Files.readString(d)));
            assertThat(json.readTree(Files.readString(d)).get("panels").isArray()).isTrue();
        }
    }

    @Test
    void apparmorValuesRunTheAgentUnconfined() {
        Chart.Rendered r = Chart.render(Chart.DIR.resolve("ci/apparmor-values.yaml"));
        assertThat(at(r.agent(), "securityContext", "appArmorProfile", "type")).isEqualTo("Unconfined");
        assertThat(at(r.one("DaemonSet"), "spec", "template", "metadata", "annotations",
                "container.apparmor.security.beta.kubernetes.io/nscope")).isEqualTo("unconfined");
        // nothing else loosens
        assertThat(at(r.agent(), "securityContext", "capabilities", "add")).isEqualTo(List.of("SYS_PTRACE", "DAC_READ_SEARCH", "NET_ADMIN"));
        assertThat(at(r.agent(), "securityContext", "privileged")).isEqualTo(false);
    }

    @Test
    void customValuesReachTheAgent() {
        Chart.Rendered r = Chart.render(Chart.DIR.resolve("ci/custom-values.yaml"));
        Map<String, Object> c = r.agent();
        assertThat(c.get("image")).isEqualTo("registry.example.com/ops/nscope@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(map(c.get("resources"))).isEqualTo(Map.of("requests", Map.of("cpu", "100m", "memory", "384Mi"),
                "limits", Map.of("cpu", "1", "memory", "512Mi")));
        assertThat(r.podSpec().get("priorityClassName")).isEqualTo("system-node-critical");
        assertThat(map(r.podSpec().get("nodeSelector"))).containsEntry("nscope.dev/monitored", "true");
        List<String> args = r.agentArgs();
        assertThat(args).contains("--nscope.scan-interval=30s", "--nscope.pid1.zombie-grace=10s",
                "--nscope.rules.disabled=host-user-namespace,cpu-throttled", "--logging.level.dev.nscope=DEBUG",
                "--nscope.runtime.containers-storage=/run/containers/storage");
        assertThat(args).noneMatch(a -> a.startsWith("--nscope.runtime.docker-root"));
        assertThat(hostPaths(r)).doesNotContain("/var/lib/docker/containers")
                .contains("/run/containers/storage/overlay-containers")
                .doesNotContain("/var/lib/containers/storage/overlay-containers");
        NscopeProperties p = bindNscopeArguments(args);
        assertThat(p.scanInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.pid1().zombieGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.rules().disabled()).containsExactly("host-user-namespace", "cpu-throttled");
        // JVM flags: JAVA_TOOL_OPTIONS adds, jvmOptions replaces the image's
        assertThat(list(c.get("env"))).contains(Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-XX:NativeMemoryTracking=summary"));
        assertThat(c.get("command")).isEqualTo(List.of("java", "-XX:SharedArchiveFile=nscope.jsa", "-XX:MaxRAMPercentage=60",
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Xss512k", "-jar", "nscope.jar"));
    }

    @Test
    void theSchemaRejectsWhatTheChartCannotUse() {
        assertThatThrownBy(() -> Chart.render(null, Map.of("agent.scanIntervall", "5s"))).hasMessageContaining("scanIntervall");
        assertThatThrownBy(() -> Chart.render(null, Map.of("agent.scanInterval", "soon"))).hasMessageContaining("scanInterval");
        assertThatThrownBy(() -> Chart.render(null, Map.of("hostMounts.procfs", "host/proc"))).hasMessageContaining("procfs");
        assertThatThrownBy(() -> Chart.render(null, Map.of("service.port", 70000))).hasMessageContaining("port");
    }

    @Test
    void theRuleAloneComesFromTheRulesFile() {
        Chart.Rendered r = Chart.render(null, Map.of("prometheusRule.enabled", true));
        assertThat(list(at(r.one("PrometheusRule"), "spec", "groups"))).isNotEmpty()
                .allSatisfy(g -> assertThat(list(g.get("rules"))).isNotEmpty());
        assertThat(r.all("ServiceMonitor")).isEmpty();
    }

    @Test
    void aBrokenRulesFileFailsTheRenderingInsteadOfShippingABrokenRule(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path copy = Chart.copyTo(tmp);
        Files.writeString(copy.resolve("files/nscope-rules.yaml"), "groups: [ {name: x, rules: [\n");
        assertThatThrownBy(() -> new Helm(copy).template().withKubeVersion(Chart.KUBE_VERSION).set("prometheusRule.enabled", true).call())
                .hasMessageContaining("not valid YAML");
        Files.writeString(copy.resolve("files/nscope-rules.yaml"), "groups: []\n");
        assertThatThrownBy(() -> new Helm(copy).template().withKubeVersion(Chart.KUBE_VERSION).set("prometheusRule.enabled", true).call())
                .hasMessageContaining("has no groups");
        // with the rule off the file is not read
        assertThat(new Helm(copy).template().withKubeVersion(Chart.KUBE_VERSION).call()).doesNotContain("PrometheusRule");
    }

    private static List<String> hostPaths(Chart.Rendered r) {
        return list(r.podSpec().get("volumes")).stream().filter(v -> v.get("hostPath") != null)
                .map(v -> (String) at(v, "hostPath", "path")).toList();
    }

    /**
     * Binds the {@code --nscope.*} arguments to the agent's own properties class, failing on a name it
     * does not have (Spring's relaxed binding, as at start-up).
     */
    static NscopeProperties bindNscopeArguments(List<String> args) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String a : args) {
            if (a.startsWith("--nscope.")) {
                int eq = a.indexOf('=');
                props.put(a.substring(2, eq), a.substring(eq + 1));
            }
        }
        Binder binder = new Binder(new MapConfigurationPropertySource(props));
        return binder.bind("nscope", Bindable.of(NscopeProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT)).get();
    }
}
