package dev.nscope.web;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.security.crypto.bcrypt.BCrypt;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web config file (exporter-toolkit format) on the real agent, in its own JVM, over real HTTP and TLS:
 * a certificate made with {@code openssl} for this run, bcrypt users, a client that trusts only that
 * certificate. Health stays open; everything else (the JSON, the metrics, the page at {@code /}) needs a
 * user; plain HTTP to the TLS port gets nothing; a bad file stops the agent at start (one line, exit 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAccessTest {
    static final String ALICE_PASSWORD = "correct horse battery staple";
    static final String BOB_PASSWORD = "b0b:with:colons";

    Path dir;
    Path cert;
    Path key;
    Path otherKey;
    String aliceHash;
    String bobHash;
    AgentProcess tlsAgent;
    HttpClient https;
    String base;

    @BeforeAll
    void startAnAgentWithTlsAndUsers() throws Exception {
        Live.require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make the test certificate (Debian's openssl)");
        dir = Files.createTempDirectory("nscope-web");
        cert = dir.resolve("server.crt");
        key = dir.resolve("server.key");
        otherKey = dir.resolve("other.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", otherKey.toString());
        aliceHash = BCrypt.hashpw(ALICE_PASSWORD, BCrypt.gensalt(10));
        // htpasswd -B writes $2y$: the same algorithm, another prefix
        bobHash = "$2y$" + BCrypt.hashpw(BOB_PASSWORD, BCrypt.gensalt(10)).substring(4);
        // relative paths are taken from the file's directory, as exporter-toolkit does
        Path web = write("web.yml", """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                basic_auth_users:
                  alice: %s
                  bob: %s
                """.formatted(aliceHash, bobHash));
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        tlsAgent = AgentProcess.start("--nscope.web.config-file=" + web, "--nscope.procfs=" + root.resolve("proc"),
                "--nscope.sysfs=" + root.resolve("sys"), "--nscope.runtime.docker-root=" + root.resolve("var/lib/docker"));
        https = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
        base = "https://127.0.0.1:" + tlsAgent.port;
        tlsAgent.awaitUp(https, base + "/actuator/health", Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws Exception {
        if (tlsAgent != null) {
            tlsAgent.close();
        }
        if (dir == null) {
            return; // its prerequisites were missing: nothing was made
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl %s: %s", cmd, out).isTrue();
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** An SSL context that trusts exactly this certificate. */
    static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("nscope-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutCredentialsOnlyHealthAnswers() throws Exception {
        for (String path : List.of("/actuator/containers", "/actuator/containers/fx-init", "/actuator/prometheus", "/",
                "/index.html", "/actuator", "/error", "/actuator/env", "/nonexistent")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Basic realm=\"nscope\"");
            assertThat(r.body()).as(path).doesNotContain("fx-init").doesNotContain("nscope_");
        }
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/scanner", null).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordsUnknownUsersAndMalformedHeadersAre401() throws Exception {
        for (String auth : List.of(basic("alice", "wrong"), basic("alice", ""), basic("alice", ALICE_PASSWORD + " "),
                basic("mallory", ALICE_PASSWORD), basic("bob", "b0b"), basic("", ""), "Basic !!!notbase64",
                "Basic " + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)),
                "Bearer " + ALICE_PASSWORD, basic("alice", "x".repeat(200)))) {
            HttpResponse<String> r = get("/actuator/containers", auth);
            assertThat(r.statusCode()).as(auth).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"nscope\"");
        }
    }

    @Test
    void theRightPasswordOpensTheJsonAndTheMetrics() throws Exception {
        HttpResponse<String> json = get("/actuator/containers", basic("alice", ALICE_PASSWORD));
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains("fx-init");
        // twice: the second check is answered from the verified cache, with the same result
        assertThat(get("/actuator/containers/fx-init", basic("alice", ALICE_PASSWORD)).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/actuator/prometheus", basic("bob", BOB_PASSWORD));
        assertThat(metrics.statusCode()).as("a $2y$ (htpasswd) hash").isEqualTo(200);
        assertThat(metrics.body()).contains("nscope_");
        // the scheme name is case-insensitive (RFC 7617)
        assertThat(get("/actuator/prometheus", basic("bob", BOB_PASSWORD).replace("Basic", "basic")).statusCode()).isEqualTo(200);
        // the page at / (served by another part of nscope, or 404 here): past the filter either way
        assertThat(get("/", basic("alice", ALICE_PASSWORD)).statusCode()).isNotEqualTo(401);
    }

    /** The build's facts are served read-only, and, with auth on, only to a user; there is no links index. */
    @Test
    void infoNeedsAUserAndThereIsNoIndex() throws Exception {
        assertThat(get("/actuator/info", null).statusCode()).isEqualTo(401);
        HttpResponse<String> info = get("/actuator/info", basic("alice", ALICE_PASSWORD));
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"build\"", "\"version\"");
        assertThat(get("/actuator", basic("alice", ALICE_PASSWORD)).statusCode()).isEqualTo(404);
    }

    @Test
    void noSpellingOfAPathMakesProtectedContentLookLikeHealth() throws Exception {
        for (String path : List.of("/actuator/health/../containers", "/actuator/health/%2e%2e/containers",
                "/actuator/health/..;/containers", "/actuator/health;x=y/../prometheus", "/actuator/health/%2E%2E/prometheus",
                "//actuator/containers", "/actuator//containers", "/actuator/health/../../actuator/containers",
                "/actuator/health%2f..%2fcontainers", "/actuator/./containers", "/actuator/health/./../containers")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isNotEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain("fx-init").doesNotContain("nscope_");
        }
    }

    @Test
    void plainHttpToTheTlsPortGetsNothing() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/actuator/health", "/actuator/containers")) {
            try {
                HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tlsAgent.port + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(400);
                assertThat(r.body()).doesNotContain("fx-init").doesNotContain("UP");
            } catch (IOException e) {
                // a reset or closed connection: nothing served either
            }
        }
        // and a client that does not trust the certificate does not get through the handshake
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void basicAuthWithoutTlsAndABindAddress() throws Exception {
        Path web = write("auth-only.yml", "basic_auth_users:\n  alice: '" + aliceHash + "'\n");
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        try (AgentProcess agent = AgentProcess.start("--nscope.web.config-file=" + web, "--server.address=127.0.0.2",
                "--nscope.procfs=" + root.resolve("proc"), "--nscope.sysfs=" + root.resolve("sys"))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String bound = "http://127.0.0.2:" + agent.port;
            agent.awaitUp(http, bound + "/actuator/health", Duration.ofSeconds(90));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(bound + "/actuator/containers")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(bound + "/actuator/containers"))
                    .header("Authorization", basic("alice", ALICE_PASSWORD)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            // server.address: nothing listens on the other loopback address
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port + "/actuator/health"))
                    .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        }
    }

    /** A FIFO or a device as the web config: exit 2 and one line, not a start that hangs or reads forever. */
    @Test
    void aFifoOrADeviceAsTheWebConfigIsOneLineAndExit2() throws Exception {
        Path fifo = dir.resolve("fifo.yml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (String file : List.of(fifo.toString(), "/dev/zero")) {
            long t0 = System.nanoTime();
            Live.Result r = Live.run(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "--nscope.web.config-file=" + file,
                    "--server.port=" + AgentProcess.freePort()), 120);
            assertThat(r.exit()).as(file + ": " + r.stderr()).isEqualTo(2);
            assertThat(r.stderr().lines().toList()).as(file).singleElement().asString()
                    .startsWith("nscope: nscope.web.config-file " + file + ": not a regular file");
            assertThat(r.stdout()).as(file + ": nothing was served").doesNotContain("Tomcat started");
            System.out.printf("%-20s exit %d in %.1f s: %s%n", file, r.exit(), (System.nanoTime() - t0) / 1e9, r.stderr().strip());
        }
    }

    /** Each bad file: exit 2 and exactly one line on stderr that names the file and what is wrong. */
    @Test
    void aBadWebConfigStopsTheAgentAtStartWithOneLine() throws Exception {
        Path garbage = write("garbage.pem", "not a certificate\n");
        record Bad(String name, String yaml, String expected) {
        }
        List<Bad> cases = List.of(
                new Bad("missing.yml", null, "missing.yml: no such file"),
                new Bad("no-cert.yml", "tls_server_config:\n  cert_file: nowhere.crt\n  key_file: server.key\n",
                        "tls_server_config.cert_file " + dir.resolve("nowhere.crt") + ": no such file"),
                new Bad("garbage-cert.yml", "tls_server_config:\n  cert_file: garbage.pem\n  key_file: server.key\n",
                        "tls_server_config.cert_file " + garbage),
                new Bad("other-key.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n",
                        "is not the key of the certificate"),
                new Bad("plain-password.yml", "basic_auth_users:\n  alice: secret\n", "basic_auth_users.alice is not a bcrypt hash"),
                new Bad("sha-password.yml", "basic_auth_users:\n  alice: '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='\n",
                        "basic_auth_users.alice is not a bcrypt hash"),
                new Bad("client-ca.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n",
                        "tls_server_config.client_ca_file is not supported"),
                new Bad("not-yaml.yml", "basic_auth_users: [alice\n", "not valid YAML"));
        for (Bad b : cases) {
            Path file = dir.resolve(b.name());
            if (b.yaml() != null) {
                Files.writeString(file, b.yaml());
            }
            long t0 = System.nanoTime();
            Live.Result r = Live.run(Live.nscopeCommand(AgentProcess.JVM_OPTIONS, "--nscope.web.config-file=" + file,
                    "--server.port=" + AgentProcess.freePort()), 120);
            assertThat(r.exit()).as(b.name() + ": " + r.stderr()).isEqualTo(2);
            assertThat(r.stderr().lines().toList()).as(b.name()).hasSize(1);
            String line = r.stderr().lines().findFirst().orElseThrow();
            assertThat(line).as(b.name()).startsWith("nscope: nscope.web.config-file " + file).contains(b.expected());
            assertThat(r.stdout()).as(b.name() + ": nothing was served").doesNotContain("Tomcat started");
            System.out.printf("%-20s exit %d in %.1f s: %s%n", b.name(), r.exit(), (System.nanoTime() - t0) / 1e9, line);
        }
    }
}
