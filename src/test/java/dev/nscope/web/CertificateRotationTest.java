package dev.nscope.web;

import dev.nscope.testing.AgentProcess;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served certificate follows its files under a running agent, as cert-manager and the kubelet change
 * them: the {@code ..data} link swapped to a new directory (a Secret volume's update), then the files
 * rewritten in place, key first (a half-written pair for a moment). And an expired certificate is served
 * with a warning at start and in node.warnings. Certificates are made with openssl (and keytool, for one
 * already expired); the client trusts exactly the certificates made here, whatever their dates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateRotationTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeAll
    void prerequisites() {
        Live.require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make the test certificates (Debian's openssl)");
        root = Fixtures.unpack(Fixtures.V1_DOCKER);
    }

    /** A key and a self-signed certificate for 127.0.0.1 with this common name, in {@code into}. */
    static void make(Path into, String cn) throws Exception {
        Files.createDirectories(into);
        WebAccessTest.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", into.resolve("tls.key").toString(), "-out", into.resolve("tls.crt").toString(), "-days", "2",
                "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1");
    }

    /** A client that trusts exactly the certificates in {@link #trusted} (dates not checked) and opens a new connection each time. */
    final List<X509Certificate> trusted = new ArrayList<>();

    X509Certificate trust(Path crt) throws Exception {
        try (InputStream in = Files.newInputStream(crt)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            trusted.add(c);
            return c;
        }
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        X509TrustManager exact = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                for (X509Certificate t : trusted) {
                    if (Arrays.equals(t.getEncoded(), chain[0].getEncoded())) {
                        return;
                    }
                }
                throw new CertificateException("not one of this test's certificates: " + chain[0].getSubjectX500Principal());
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {exact}, null);
        // a client of its own: a new connection, a new handshake
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String served(int port) throws Exception {
        X509Certificate c = (X509Certificate) get(port, "/actuator/health").sslSession().orElseThrow().getPeerCertificates()[0];
        return c.getSubjectX500Principal().getName();
    }

    /** Waits (a minute at most) until the agent serves the certificate of this common name. */
    void awaitServed(AgentProcess agent, String cn) throws Exception {
        String last = null;
        for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < end; Thread.sleep(200)) {
            try {
                last = served(agent.port);
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            if (last.equals("CN=" + cn)) {
                return;
            }
        }
        throw new AssertionError("still served: " + last + "\n" + agent.output());
    }

    @Test
    void theCertificateIsReloadedWhenItsFilesChange() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        make(tls.resolve("..2026_01_01_v1"), "v1");
        Files.createSymbolicLink(tls.resolve("..data"), Path.of("..2026_01_01_v1"));
        Files.createSymbolicLink(tls.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(tls.resolve("tls.key"), Path.of("..data/tls.key"));
        Path web = Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: tls/tls.crt\n  key_file: tls/tls.key\n");
        trust(tls.resolve("..2026_01_01_v1/tls.crt"));
        try (AgentProcess agent = AgentProcess.start("--nscope.web.config-file=" + web, "--nscope.procfs=" + root.resolve("proc"),
                "--nscope.sysfs=" + root.resolve("sys"))) {
            awaitServed(agent, "v1");
            // the kubelet's update of a Secret volume: a new directory, ..data swapped to it by a rename, the old one removed
            make(tls.resolve("..2026_01_02_v2"), "v2");
            trust(tls.resolve("..2026_01_02_v2/tls.crt"));
            Files.createSymbolicLink(tls.resolve("..data_tmp"), Path.of("..2026_01_02_v2"));
            Files.move(tls.resolve("..data_tmp"), tls.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String f : List.of("tls.crt", "tls.key")) {
                Files.delete(tls.resolve("..2026_01_01_v1").resolve(f));
            }
            Files.delete(tls.resolve("..2026_01_01_v1"));
            awaitServed(agent, "v2");
            // a renewal written in place, the key first: for a moment the key is not the certificate's
            Path v3 = dir.resolve("v3");
            make(v3, "v3");
            trust(v3.resolve("tls.crt"));
            Files.write(tls.resolve("..2026_01_02_v2/tls.key"), Files.readAllBytes(v3.resolve("tls.key")));
            Thread.sleep(1000);
            assertThat(served(agent.port)).as("the old pair is served while the new one is half-written").isEqualTo("CN=v2");
            Files.write(tls.resolve("..2026_01_02_v2/tls.crt"), Files.readAllBytes(v3.resolve("tls.crt")));
            awaitServed(agent, "v3");
            assertThat(agent.stdout()).contains("TLS certificate reloaded from").doesNotContain("Exception");
        }
    }

    @Test
    void anExpiredCertificateIsServedWithAWarning() throws Exception {
        Path p12 = dir.resolve("expired.p12");
        Live.Result kt = Live.run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=expired", "-startdate", "2020/01/01 00:00:00", "-validity", "1",
                "-ext", "san=ip:127.0.0.1"), 60);
        assertThat(kt.exit()).as(kt.stderr() + kt.stdout()).isZero();
        Path crt = dir.resolve("expired.crt");
        Path key = dir.resolve("expired.key");
        WebAccessTest.openssl("pkcs12", "-in", p12.toString(), "-passin", "pass:changeit", "-nokeys", "-out", crt.toString());
        WebAccessTest.openssl("pkcs12", "-in", p12.toString(), "-passin", "pass:changeit", "-nocerts", "-nodes", "-out", key.toString());
        trust(crt);
        Path web = Files.writeString(dir.resolve("expired.yml"), "tls_server_config:\n  cert_file: expired.crt\n  key_file: expired.key\n");
        try (AgentProcess agent = AgentProcess.start("--nscope.web.config-file=" + web, "--nscope.procfs=" + root.resolve("proc"),
                "--nscope.sysfs=" + root.resolve("sys"))) {
            awaitServed(agent, "expired");
            String expected = "TLS certificate " + crt + " expired at 2020-01-02T00:00:00Z";
            assertThat(agent.stdout()).as("the start's log").contains(expected);
            JsonNode doc = null;
            for (int i = 0; i < 300 && (doc == null || doc.get("node") == null); i++) {
                HttpResponse<String> r = get(agent.port, "/actuator/containers");
                doc = r.statusCode() == 200 ? new JsonMapper().readTree(r.body()) : null;
                Thread.sleep(100);
            }
            assertThat(doc).as("the document").isNotNull();
            List<String> warnings = new ArrayList<>();
            doc.get("node").get("warnings").forEach(w -> warnings.add(w.asString()));
            assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith(expected));
        }
    }
}
