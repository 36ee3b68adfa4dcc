package dev.nscope.web;

import dev.nscope.settings.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The exporter-toolkit web config format as nscope reads it (the TLS part is tested over real TLS in WebAccessTest). */
class WebConfigTest {
    @TempDir
    Path dir;

    WebConfig load(String yaml) throws Exception {
        return WebConfig.load(Files.writeString(dir.resolve("web.yml"), yaml));
    }

    @Test
    void anEmptyFileMeansNoTlsAndNoUsers() throws Exception {
        WebConfig c = load("");
        assertThat(c.tls()).isNull();
        assertThat(c.authenticates()).isFalse();
    }

    @Test
    void usersWithTheHashesOfHtpasswdGoAndSpring() throws Exception {
        String a = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        WebConfig c = load("http_server_config:\n  http2: true\nbasic_auth_users:\n  alice: " + a + "\n  bob: '$2y" + a.substring(3)
                + "'\n  carol: \"$2b" + a.substring(3) + "\"\n");
        assertThat(c.users()).containsOnlyKeys("alice", "bob", "carol");
        assertThat(c.authenticates()).isTrue();
        BasicAuthFilter f = new BasicAuthFilter(c.users());
        String ok = "Basic " + java.util.Base64.getEncoder().encodeToString("bob:pw".getBytes());
        assertThat(f.authorized(ok)).isTrue();
        assertThat(f.authorized(ok)).as("again, from the verified cache").isTrue();
        assertThat(f.authorized("Basic " + java.util.Base64.getEncoder().encodeToString("bob:pW".getBytes()))).isFalse();
        assertThat(f.authorized("Basic " + java.util.Base64.getEncoder().encodeToString("eve:pw".getBytes()))).isFalse();
    }

    @Test
    void onlyPlainHealthPathsAreOpen() {
        assertThat(BasicAuthFilter.open("/actuator/health")).isTrue();
        assertThat(BasicAuthFilter.open("/actuator/health/")).isTrue();
        assertThat(BasicAuthFilter.open("/actuator/health/liveness")).isTrue();
        assertThat(BasicAuthFilter.open("/actuator/health/../containers")).isFalse();
        assertThat(BasicAuthFilter.open("/actuator/health/%2e%2e/containers")).isFalse();
        assertThat(BasicAuthFilter.open("/actuator/health;x/../containers")).isFalse();
        assertThat(BasicAuthFilter.open("/actuator/healthz")).isFalse();
        assertThat(BasicAuthFilter.open("/")).isFalse();
    }

    @Test
    void whatCannotBeHonouredIsRefused() {
        String hash = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        for (String[] bad : new String[][] {
                {"basic_auth_users:\n  'a:b': " + hash + "\n", "without ':'"},
                {"basic_auth_users:\n  alice: 12\n", "not a bcrypt hash"},
                {"basic_auth_users:\n  alice: '$2y$03$" + hash.substring(7) + "'\n", "cost 3 is out of range"},
                {"basic_auth_users: [alice]\n", "basic_auth_users must be a mapping"},
                {"tls_server_config:\n  cert_file: a.crt\n", "needs both cert_file and key_file"},
                {"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n",
                        "client_auth_type RequireAndVerifyClientCert is not supported"},
                {"http_server_config:\n  headers:\n    X-Frame-Options: deny\n", "http_server_config.headers is not supported"},
                {"rate_limit:\n  interval: 1s\n", "unknown key 'rate_limit'"},
                {"- just\n- a list\n", "the file must be a mapping"}}) {
            assertThatThrownBy(() -> load(bad[0])).as(bad[0]).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith("nscope.web.config-file " + dir.resolve("web.yml") + ": ").hasMessageContaining(bad[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    /** A bcrypt cost above 14 would make every request (an unknown user's too) cost seconds: refused at start, one line. */
    @Test
    void aBcryptCostAbove14IsRefused() throws Exception {
        String hash = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        assertThat(load("basic_auth_users:\n  alice: '$2y$14$" + hash.substring(7) + "'\n").users()).containsKey("alice");
        assertThatThrownBy(() -> load("basic_auth_users:\n  alice: '$2y$15$" + hash.substring(7) + "'\n"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("nscope.web.config-file " + dir.resolve("web.yml") + ": basic_auth_users.alice: bcrypt cost 15 is above 14 "
                        + "(each check of a password, and of every unknown user, would take seconds of CPU: hash it again, "
                        + "e.g. htpasswd -nBC 10 alice)");
    }

    /**
     * An unknown user costs what the dearest known user's wrong password costs, so timing does not tell names
     * apart. Before, the dummy hash took the cost of whichever user came first: with users of cost 4 and 11, an
     * unknown name answered about 100 times sooner than a wrong password of the cost-11 user.
     */
    @Test
    void anUnknownUserCostsWhatTheDearestUserCosts() {
        java.util.Map<String, String> users = new java.util.LinkedHashMap<>();
        users.put("cheap", BCrypt.hashpw("pw", BCrypt.gensalt(4)));
        users.put("dear", BCrypt.hashpw("pw", BCrypt.gensalt(11)));
        BasicAuthFilter f = new BasicAuthFilter(users);
        assertThat(f.dummyCost()).isEqualTo(11);
        long dear = medianNanos(() -> f.authorized(basic("dear", "wrong")));
        long unknown = medianNanos(() -> f.authorized(basic("nobody", "wrong")));
        // 2^7 = 128 times apart before; a loaded machine moves each by a few times at most
        assertThat(unknown).as("unknown %d ms, dear %d ms", unknown / 1_000_000, dear / 1_000_000).isGreaterThan(dear / 8);
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    static long medianNanos(Runnable r) {
        long[] t = new long[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    /** A FIFO, a device, a directory or a huge file as the web config: one line at once, not a hang or an endless read. */
    @Test
    void whatIsNotARegularFileOfBoundedSizeIsOneLine() throws Exception {
        Path fifo = dir.resolve("fifo.yml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path big = dir.resolve("big.yml");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(WebConfig.MAX_FILE + 1L);
        }
        try {
            loadEach(fifo, big);
        } finally {
            release(fifo);
        }
    }

    /** Lets an open for reading stuck on the FIFO (a regression) return: opening it read-write never blocks on Linux. */
    static void release(Path fifo) throws IOException {
        new java.io.RandomAccessFile(fifo.toFile(), "rw").close();
    }

    void loadEach(Path fifo, Path big) {
        for (String[] bad : new String[][] {
                {fifo.toString(), "not a regular file (a FIFO)"},
                {"/dev/zero", "not a regular file (a character device)"},
                {dir.toString(), "not a regular file (a directory)"},
                {big.toString(), "larger than " + WebConfig.MAX_FILE + " bytes"}}) {
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> WebConfig.load(Path.of(bad[0]))))
                    .as(bad[0]).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessage("nscope.web.config-file " + bad[0] + ": " + bad[1]);
        }
    }

    @Test
    void aFifoAsTheCertificateIsOneLine() throws Exception {
        Path fifo = dir.resolve("server.crt");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try {
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> load("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n")))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageEndingWith("tls_server_config.cert_file " + fifo + ": not a regular file (a FIFO)");
        } finally {
            release(fifo);
        }
    }

    /** Kubernetes mounts each key of a Secret or ConfigMap as a link into ..data/: the operator's link is followed. */
    @Test
    void aSecretVolumesLinksAreFollowed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("..2024_01_01_00_00_00.1"));
        String hash = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        Files.writeString(data.resolve("web.yml"), "basic_auth_users:\n  alice: " + hash + "\n");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Path web = Files.createSymbolicLink(dir.resolve("web.yml"), Path.of("..data/web.yml"));
        assertThat(WebConfig.load(web).users()).containsOnlyKeys("alice");
    }
}
