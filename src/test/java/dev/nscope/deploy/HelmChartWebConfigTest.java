package dev.nscope.deploy;

import dev.nscope.settings.NscopeProperties;
import dev.nscope.testing.Live;
import dev.nscope.web.WebConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.nscope.deploy.Chart.at;
import static dev.nscope.deploy.Chart.list;
import static dev.nscope.deploy.Chart.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS and basic auth in the chart: the web config from a Secret (the chart's own from
 * {@code webConfig.content}, or {@code webConfig.existingSecret}), mounted read-only and passed as
 * {@code --nscope.web.config-file}; the probes, the ServiceMonitor/PodMonitor, the scrape annotations and
 * the {@code helm test} pod following it. Rendered by real Helm ({@code ci/webconfig-values.yaml},
 * {@code ci/existing-secret-values.yaml}); the mounted directory, laid out as the kubelet lays out a
 * projected volume, is loaded by the agent's own {@link WebConfig}.
 */
class HelmChartWebConfigTest {
    static final Path CONTENT = Chart.DIR.resolve("ci/webconfig-values.yaml");
    static final Path EXISTING = Chart.DIR.resolve("ci/existing-secret-values.yaml");
    static final String DIR = "/etc/nscope/web";

    @Test
    void offByDefault() {
        Chart.Rendered r = Chart.render(null, Map.of("serviceMonitor.enabled", true, "podMonitor.enabled", true));
        assertThat(r.all("Secret")).isEmpty();
        assertThat(r.agentArgs()).noneMatch(a -> a.startsWith("--nscope.web.config-file"));
        assertThat(list(r.podSpec().get("volumes"))).noneMatch(v -> "web-config".equals(v.get("name")));
        assertThat(probeSchemes(r)).containsOnly("HTTP");
        for (Map<String, Object> e : endpoints(r)) {
            assertThat(e.get("scheme")).isEqualTo("http");
            assertThat(e).doesNotContainKeys("tlsConfig", "basicAuth");
        }
        assertThat(at(r.one("DaemonSet"), "spec", "template", "metadata", "annotations")).isNull();
    }

    @Test
    void contentBecomesASecretMountedReadOnlyAndPassedToTheAgent(@TempDir Path tmp) throws Exception {
        Chart.Rendered r = Chart.render(CONTENT);
        String content = (String) map(map(new Yaml().load(Files.readString(CONTENT))).get("webConfig")).get("content");

        Map<String, Object> secret = r.one("Secret");
        assertThat(at(secret, "metadata", "name")).isEqualTo("nscope-web-config");
        assertThat(at(secret, "metadata", "namespace")).isEqualTo(Chart.NAMESPACE);
        assertThat(new Yaml().<Object>load((String) at(secret, "stringData", "web.yml"))).isEqualTo(new Yaml().load(content));

        // one read-only directory: the web config and, beside it, the certificate and key it names
        Map<String, Object> volume = webConfigVolume(r);
        assertThat(at(volume, "projected", "sources", 0, "secret", "name")).isEqualTo("nscope-web-config");
        assertThat(at(volume, "projected", "sources", 1, "secret")).isEqualTo(Map.of("name", "nscope-tls",
                "items", List.of(Map.of("key", "tls.crt", "path", "tls.crt"), Map.of("key", "tls.key", "path", "tls.key"))));
        assertThat(at(volume, "projected", "defaultMode")).isEqualTo(0400);
        assertThat(webConfigMount(r)).isEqualTo(Map.of("name", "web-config", "mountPath", DIR, "readOnly", true));
        assertThat(r.agentArgs()).contains("--nscope.web.config-file=" + DIR + "/web.yml");
        NscopeProperties bound = HelmChartTest.bindNscopeArguments(r.agentArgs());
        assertThat(bound.web().configFile()).isEqualTo(Path.of(DIR, "web.yml"));

        // the kubelet probes over https (it checks no certificate; health needs no password)
        assertThat(probeSchemes(r)).containsExactly("HTTPS", "HTTPS", "HTTPS");
        Map<String, Object> annotations = map(at(r.one("DaemonSet"), "spec", "template", "metadata", "annotations"));
        // the agent reads its web config at start: a new content restarts the pods
        assertThat(annotations).containsEntry("checksum/web-config",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8))));
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "9810")
                .containsEntry("prometheus.io/path", "/actuator/prometheus").containsEntry("prometheus.io/scheme", "https");

        // both monitors scrape over https, with the user from a Secret and the TLS settings as given
        Map<String, Object> basicAuth = Map.of("username", Map.of("name", "nscope-scrape", "key", "username"),
                "password", Map.of("name", "nscope-scrape", "key", "password"));
        Map<String, Object> sm = map(at(r.one("ServiceMonitor"), "spec", "endpoints", 0));
        assertThat(sm.get("scheme")).isEqualTo("https");
        assertThat(sm.get("basicAuth")).isEqualTo(basicAuth);
        assertThat(sm.get("tlsConfig")).isEqualTo(Map.of("ca", Map.of("secret", Map.of("name", "nscope-tls", "key", "ca.crt")),
                "serverName", "nscope.nscope-system.svc"));
        Map<String, Object> pm = map(at(r.one("PodMonitor"), "spec", "podMetricsEndpoints", 0));
        assertThat(pm.get("scheme")).isEqualTo("https");
        assertThat(pm.get("basicAuth")).isEqualTo(basicAuth);
        assertThat(pm.get("tlsConfig")).isEqualTo(Map.of("insecureSkipVerify", true));

        // helm test asks for health over https
        Map<String, Object> test = Chart.render(Chart.copyWithHooksAsObjects(tmp), CONTENT, Map.of()).one("Pod");
        @SuppressWarnings("unchecked")
        List<String> cmd = (List<String>) at(test, "spec", "containers", 0, "command");
        assertThat(cmd).contains("--no-check-certificate");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo("https://nscope.nscope-system.svc:9810/actuator/health");
    }

    @Test
    void anExistingSecretIsMountedWholeAndReadUnderItsKey() {
        Chart.Rendered r = Chart.render(EXISTING);
        assertThat(r.all("Secret")).as("the site's Secret is not the chart's to make").isEmpty();
        assertThat(at(webConfigVolume(r), "projected", "sources")).isEqualTo(List.of(Map.of("secret", Map.of("name", "nscope-web"))));
        assertThat(webConfigMount(r).get("readOnly")).isEqualTo(true);
        assertThat(r.agentArgs()).contains("--nscope.web.config-file=" + DIR + "/exporter-web.yml");
        assertThat(probeSchemes(r)).containsOnly("HTTPS");
        Map<String, Object> pm = map(at(r.one("PodMonitor"), "spec", "podMetricsEndpoints", 0));
        assertThat(pm.get("scheme")).isEqualTo("https");
        assertThat(pm).doesNotContainKey("basicAuth");
        assertThat(at(pm, "tlsConfig", "serverName")).isEqualTo("nscope-agent");
        // nothing to hash: the chart cannot see the Secret's content
        assertThat(at(r.one("DaemonSet"), "spec", "template", "metadata", "annotations")).isNull();
    }

    @Test
    void aNewWebConfigRestartsTheAgents(@TempDir Path tmp) throws IOException {
        Path a = Files.writeString(tmp.resolve("a.yaml"), "webConfig: {basicAuth: true, content: 'basic_auth_users: {a: x}'}\n");
        Path b = Files.writeString(tmp.resolve("b.yaml"), "webConfig: {basicAuth: true, content: 'basic_auth_users: {b: x}'}\n");
        Object ca = at(Chart.render(a).one("DaemonSet"), "spec", "template", "metadata", "annotations", "checksum/web-config");
        Object cb = at(Chart.render(b).one("DaemonSet"), "spec", "template", "metadata", "annotations", "checksum/web-config");
        assertThat(ca).isNotNull().isNotEqualTo(cb);
    }

    @Test
    void whatCannotWorkFailsTheRendering(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Chart.render(null, Map.of("webConfig.tls", true)))
                .hasMessageContaining("set webConfig.existingSecret or webConfig.content");
        Path tlsContent = Files.writeString(tmp.resolve("tls.yaml"),
                "webConfig: {content: 'tls_server_config: {cert_file: tls.crt, key_file: tls.key}'}\n");
        assertThatThrownBy(() -> Chart.render(tlsContent)).hasMessageContaining("webConfig.tls is false but webConfig.content has tls_server_config");
        Path authContent = Files.writeString(tmp.resolve("auth.yaml"), "webConfig: {tls: false, content: 'basic_auth_users: {a: x}'}\n");
        assertThatThrownBy(() -> Chart.render(authContent)).hasMessageContaining("webConfig.basicAuth is false but webConfig.content has basic_auth_users");
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "webConfig: {content: 'tls_server_config: [a'}\n");
        assertThatThrownBy(() -> Chart.render(broken)).hasMessageContaining("webConfig.content is not valid YAML");
        // a monitor that would be refused with 401, or that would send a password to an agent asking for none
        Path auth = Files.writeString(tmp.resolve("auth-ok.yaml"), "webConfig: {basicAuth: true, content: 'basic_auth_users: {a: x}'}\n");
        assertThatThrownBy(() -> Chart.render(auth, Map.of("serviceMonitor.enabled", true)))
                .hasMessageContaining("set serviceMonitor.basicAuth");
        assertThatThrownBy(() -> Chart.render(null, Map.of("podMonitor.enabled", true, "podMonitor.basicAuth.username.name", "s",
                "podMonitor.basicAuth.username.key", "u", "podMonitor.basicAuth.password.name", "s", "podMonitor.basicAuth.password.key", "p")))
                .hasMessageContaining("podMonitor.basicAuth is set but webConfig.basicAuth is false");
        assertThatThrownBy(() -> Chart.render(null, Map.of("serviceMonitor.enabled", true, "serviceMonitor.tlsConfig.insecureSkipVerify", true)))
                .hasMessageContaining("serviceMonitor.tlsConfig is set but webConfig.tls is false");
        // the schema: a user without a password
        assertThatThrownBy(() -> Chart.render(null, Map.of("serviceMonitor.basicAuth.username.name", "s", "serviceMonitor.basicAuth.username.key", "u")))
                .hasMessageContaining("password");
    }

    /**
     * The directory the pod sees, laid out as the kubelet writes a projected volume (each file a symlink
     * through {@code ..data} into a timestamped directory), with the rendered web config and a certificate
     * and PKCS#1 key as cert-manager writes them: the agent's own loader reads it from the rendered path.
     */
    @Test
    void theMountedDirectoryIsWhatTheAgentReads(@TempDir Path tmp) throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make the test certificate (Debian's openssl)");
        Chart.Rendered r = Chart.render(CONTENT);
        Path mount = tmp.resolve("etc/nscope/web");
        Path payload = Files.createDirectories(mount.resolve("..2025_01_01_00_00_00.000000001"));
        Files.writeString(payload.resolve("web.yml"), (String) at(r.one("Secret"), "stringData", "web.yml"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", payload.resolve("tls.pkcs8").toString(),
                "-out", payload.resolve("tls.crt").toString(), "-days", "2", "-subj", "/CN=nscope", "-addext", "subjectAltName=DNS:nscope");
        openssl("rsa", "-in", payload.resolve("tls.pkcs8").toString(), "-traditional", "-out", payload.resolve("tls.key").toString());
        assertThat(Files.readString(payload.resolve("tls.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Files.delete(payload.resolve("tls.pkcs8"));
        Files.createSymbolicLink(mount.resolve("..data"), payload.getFileName());
        for (String f : List.of("web.yml", "tls.crt", "tls.key")) {
            Files.createSymbolicLink(mount.resolve(f), Path.of("..data", f));
        }

        String arg = r.agentArgs().stream().filter(a -> a.startsWith("--nscope.web.config-file=")).findFirst().orElseThrow();
        Path inPod = Path.of(arg.substring(arg.indexOf('=') + 1));
        WebConfig config = WebConfig.load(tmp.resolve(Path.of("/").relativize(inPod)));
        assertThat(config.tls()).isNotNull();
        assertThat(config.tls().certFile()).isEqualTo(mount.resolve("tls.crt"));
        assertThat(config.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(config.users()).containsOnlyKeys("prometheus");
    }

    // ------------------------------------------------------------------------------------------------

    static List<Object> probeSchemes(Chart.Rendered r) {
        List<Object> out = new ArrayList<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            out.add(at(r.agent(), probe, "httpGet", "scheme"));
        }
        return out;
    }

    static List<Map<String, Object>> endpoints(Chart.Rendered r) {
        List<Map<String, Object>> out = new ArrayList<>();
        r.all("ServiceMonitor").forEach(m -> out.addAll(list(at(m, "spec", "endpoints"))));
        r.all("PodMonitor").forEach(m -> out.addAll(list(at(m, "spec", "podMetricsEndpoints"))));
        return out;
    }

    static Map<String, Object> webConfigVolume(Chart.Rendered r) {
        return list(r.podSpec().get("volumes")).stream().filter(v -> "web-config".equals(v.get("name"))).findFirst().orElseThrow();
    }

    static Map<String, Object> webConfigMount(Chart.Rendered r) {
        return list(r.agent().get("volumeMounts")).stream().filter(v -> "web-config".equals(v.get("name"))).findFirst().orElseThrow();
    }

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", cmd, out).isTrue();
    }
}
