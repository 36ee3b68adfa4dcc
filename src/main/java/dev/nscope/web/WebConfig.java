package dev.nscope.web;

import dev.nscope.host.FileBytes;
import dev.nscope.host.FileTooLargeException;
import dev.nscope.host.UnsafeFileException;
import dev.nscope.settings.InvalidConfigurationException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The web configuration file ({@code nscope.web.config-file}), in the format of the Prometheus exporters'
 * web config (exporter-toolkit), so one file serves node_exporter and nscope alike:
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt     # PEM certificate (chain); a relative path is taken from the file's directory
 *   key_file: server.key      # PEM private key, unencrypted
 *   min_version: TLS12        # optional: TLS12 (the default) or TLS13
 * basic_auth_users:
 *   alice: $2y$10$…           # bcrypt hash, e.g. from htpasswd -nBC 10 alice
 * </pre>
 * What nscope does not implement (client certificates, cipher and header settings, …) is refused, never
 * ignored: a security setting that silently does nothing is worse than a start that fails. Every problem
 * is one line naming the file and the key, and stops the agent at start.
 *
 * @param tls   null when the file has no {@code tls_server_config}
 * @param users user name to bcrypt hash; empty when the file has no {@code basic_auth_users}
 */
public record WebConfig(Path file, Tls tls, Map<String, String> users) {

    /** No file: plain HTTP, no authentication. */
    public static final WebConfig NONE = new WebConfig(null, null, Map.of());

    /** @param protocols the enabled TLS protocol versions, as the JDK names them */
    public record Tls(Path certFile, Path keyFile, List<String> protocols) {
    }

    /** A bcrypt hash as htpasswd, Go's bcrypt and Spring's encoder write it: $2a$, $2b$ or $2y$, cost, 53 characters. */
    static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    /**
     * The dearest bcrypt cost taken: 2^14 rounds take about a second of a core; every unknown user costs what
     * the dearest user costs (see {@link BasicAuthFilter}), so one dear hash would make every request dear.
     */
    static final int MAX_BCRYPT_COST = 14;

    /** The largest web config, certificate or key file read (thousands of users fit). */
    static final int MAX_FILE = 1 << 20;
    private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users", "http_server_config");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "min_version", "client_auth_type");
    private static final String SUPPORTED = "nscope reads tls_server_config (cert_file, key_file, min_version), "
            + "basic_auth_users and http_server_config.http2";

    public boolean authenticates() {
        return !users.isEmpty();
    }

    /** Reads and checks the file, its certificate and key; throws {@link InvalidConfigurationException} with one line. */
    public static WebConfig load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String where = "nscope.web.config-file " + abs;
        String text;
        try {
            text = read(abs);
        } catch (IOException e) {
            throw new InvalidConfigurationException(where + ": " + why(e));
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            throw new InvalidConfigurationException(where + ": not valid YAML (" + e.getProblem()
                    + (e.getProblemMark() != null ? " at line " + (e.getProblemMark().getLine() + 1) : "") + ")");
        } catch (YAMLException e) {
            throw new InvalidConfigurationException(where + ": not valid YAML (" + oneLine(e.getMessage()) + ")");
        }
        if (root == null) {
            // an empty file, as exporter-toolkit takes it: no TLS, no authentication
            return new WebConfig(abs, null, Map.of());
        }
        Map<String, Object> top = mapping(root, where, "the file");
        for (String k : top.keySet()) {
            if (!TOP.contains(k)) {
                throw new InvalidConfigurationException(where + ": unknown key '" + k + "' (" + SUPPORTED + ")");
            }
        }
        Object http = top.get("http_server_config");
        if (http != null) {
            for (Map.Entry<String, Object> e : mapping(http, where, "http_server_config").entrySet()) {
                // http2 is a protocol choice, not a protection: accepted (nscope serves HTTP/1.1) so shared files work
                if (!e.getKey().equals("http2")) {
                    throw new InvalidConfigurationException(where + ": http_server_config." + e.getKey()
                            + " is not supported (" + SUPPORTED + ")");
                }
            }
        }
        Path dir = abs.getParent();
        Tls tls = top.get("tls_server_config") == null ? null : tls(mapping(top.get("tls_server_config"), where, "tls_server_config"), dir, where);
        Map<String, String> users = top.get("basic_auth_users") == null ? Map.of()
                : users(mapping(top.get("basic_auth_users"), where, "basic_auth_users"), where);
        return new WebConfig(abs, tls, users);
    }

    private static Tls tls(Map<String, Object> m, Path dir, String where) {
        for (String k : m.keySet()) {
            if (!TLS_KEYS.contains(k)) {
                throw new InvalidConfigurationException(where + ": tls_server_config." + k + " is not supported (" + SUPPORTED + ")");
            }
        }
        Object clientAuth = m.get("client_auth_type");
        if (clientAuth != null && !"NoClientCert".equals(clientAuth)) {
            throw new InvalidConfigurationException(where + ": tls_server_config.client_auth_type " + clientAuth
                    + " is not supported (only NoClientCert: nscope does not check client certificates)");
        }
        String cert = string(m, "cert_file", where);
        String key = string(m, "key_file", where);
        if (cert == null || key == null) {
            throw new InvalidConfigurationException(where + ": tls_server_config needs both cert_file and key_file");
        }
        Path certFile = dir.resolve(cert).normalize();
        Path keyFile = dir.resolve(key).normalize();
        PemPair.read(certFile, keyFile, where);
        Object min = m.getOrDefault("min_version", "TLS12");
        List<String> protocols = switch (String.valueOf(min)) {
            case "TLS12" -> List.of("TLSv1.2", "TLSv1.3");
            case "TLS13" -> List.of("TLSv1.3");
            default -> throw new InvalidConfigurationException(where + ": tls_server_config.min_version " + min
                    + " is not supported (TLS12 or TLS13)");
        };
        return new Tls(certFile, keyFile, protocols);
    }

    private static Map<String, String> users(Map<String, Object> m, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String user = e.getKey();
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new InvalidConfigurationException(where + ": basic_auth_users: a user name must be non-empty and "
                        + "without ':' (got '" + user + "')");
            }
            if (!(e.getValue() instanceof String hash) || !BCRYPT.matcher(hash).matches()) {
                throw new InvalidConfigurationException(where + ": basic_auth_users." + user
                        + " is not a bcrypt hash ($2y$/$2b$/$2a$…, e.g. from htpasswd -nBC 10 " + user + ")");
            }
            int cost = BasicAuthFilter.cost(hash);
            if (cost < 4 || cost > 31) {
                throw new InvalidConfigurationException(where + ": basic_auth_users." + user + ": bcrypt cost " + cost
                        + " is out of range (4 to 31)");
            }
            if (cost > MAX_BCRYPT_COST) {
                throw new InvalidConfigurationException(where + ": basic_auth_users." + user + ": bcrypt cost " + cost
                        + " is above " + MAX_BCRYPT_COST + " (each check of a password, and of every unknown user, would take seconds "
                        + "of CPU: hash it again, e.g. htpasswd -nBC 10 " + user + ")");
            }
            out.put(user, hash);
        }
        return Map.copyOf(out);
    }

    /**
     * A file of the web config (the file itself, its certificate and key) as UTF-8 text. Each is opened with
     * {@link FileBytes#readNamedFile}: never blocking, and only a regular file of at most {@link #MAX_FILE}
     * bytes, so a FIFO or {@code /dev/zero} there is one line at start, not a hang or an endless read. A
     * symbolic link is followed (Kubernetes mounts Secret and ConfigMap keys as links; the path is the
     * operator's), but what it leads to is checked the same way.
     */
    static String read(Path file) throws IOException {
        FileBytes bytes = new FileBytes(4096, MAX_FILE).readNamedFile(file.toString());
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.data(), 0, bytes.length())).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object o, String where, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new InvalidConfigurationException(where + ": " + what + " must be a mapping (" + SUPPORTED + ")");
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new InvalidConfigurationException(where + ": " + what + " has a key that is not a string: " + k);
            }
        }
        return (Map<String, Object>) m;
    }

    private static String string(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new InvalidConfigurationException(where + ": tls_server_config." + key + " must be a file path");
        }
        return s;
    }

    static String why(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof UnsafeFileException u) {
            return u.reason();
        }
        if (e instanceof FileTooLargeException) {
            return "larger than " + MAX_FILE + " bytes";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : oneLine(m);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
