package dev.nscope.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * HTTP basic authentication against the web config's {@code basic_auth_users} (bcrypt hashes), for
 * everything the agent serves except {@code /actuator/health} and its sub-paths (probes need no password).
 *
 * <p>An unknown user is checked against a dummy hash of the cost of the dearest user's hash, so an unknown
 * name costs what the dearest known user's wrong password costs and the time of an answer does not tell
 * whether a name is a user (users of cheaper hashes answer sooner; the web config refuses costs above
 * {@link WebConfig#MAX_BCRYPT_COST}, so no hash makes a request dear); a successful check is remembered under a
 * SHA-256 of user, password and hash, so a scraper does not pay a bcrypt per scrape. The open paths are
 * matched on the raw request URI and only when it holds nothing but letters, digits, '-', '_' and '/'
 * (no dots, escapes or ';' parameters), so no spelling of a path can be "health" to this filter and
 * something else to the dispatcher.
 */
public final class BasicAuthFilter extends OncePerRequestFilter {
    public static final String CHALLENGE = "Basic realm=\"nscope\"";
    static final Pattern OPEN = Pattern.compile("/actuator/health(?:/[A-Za-z0-9_-]+)*/?");
    private static final int MAX_REMEMBERED = 1024;

    private final Map<String, String> users;
    private final String dummyHash;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    public BasicAuthFilter(Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no users");
        }
        this.users = Map.copyOf(users);
        int cost = users.values().stream().mapToInt(BasicAuthFilter::cost).max().orElseThrow();
        this.dummyHash = BCrypt.hashpw("nscope: no such user", BCrypt.gensalt(cost));
    }

    /** The cost of a bcrypt hash ({@code $2y$10$…}: 10). */
    static int cost(String hash) {
        return Integer.parseInt(hash.substring(hash.indexOf('$', 1) + 1, hash.indexOf('$', 1) + 3));
    }

    /** The cost of the hash an unknown user is checked against. */
    int dummyCost() {
        return cost(dummyHash);
    }

    /** Whether the path (after the context path) is served without credentials. */
    static boolean open(String path) {
        return OPEN.matcher(path).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        String path = uri.startsWith(request.getContextPath()) ? uri.substring(request.getContextPath().length()) : uri;
        if (open(path) || authorized(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", CHALLENGE);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("401 Unauthorized\n");
    }

    boolean authorized(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String hash = users.get(user);
        boolean known = hash != null;
        if (!known) {
            hash = dummyHash;
        }
        String key = digest(user, password, hash);
        if (known && verified.contains(key)) {
            return true;
        }
        boolean ok;
        try {
            ok = BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            // a password bcrypt cannot take (over 72 bytes): no match
            ok = false;
        }
        if (ok && known) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.add(key);
        }
        return ok && known;
    }

    private static String digest(String user, String password, String hash) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {user, password, hash}) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
