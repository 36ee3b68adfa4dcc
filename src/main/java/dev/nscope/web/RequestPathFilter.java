package dev.nscope.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Answers 400 to a request whose path is spelled to mean something other than it says: a {@code .} or
 * {@code ..} segment (plain or percent-encoded), a {@code ;} parameter, an encoded {@code /}, {@code \} or
 * {@code %} (decoded again further on), a NUL or a bad escape; and 404 to a path under
 * {@code /actuator/health/} that is not plain names. No link or page of nscope has one. Such paths reached the
 * endpoints normalised in ways of their own: {@code /actuator/health/%2e%2e/x} made the health endpoint fail
 * with a stack trace in the log (500), for anyone, auth or not. One debug line per refusal, nothing else.
 * Runs first, before the basic auth filter.
 */
public final class RequestPathFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(RequestPathFilter.class);
    private static final String HEALTH = "/actuator/health/";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        String path = uri.startsWith(request.getContextPath()) ? uri.substring(request.getContextPath().length()) : uri;
        if (!plain(uri)) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "400 Bad Request", uri);
        } else if (path.startsWith(HEALTH) && !BasicAuthFilter.open(path)) {
            // a health group or contributor is a plain name; anything else is none (the endpoint would fail on some)
            refuse(response, HttpServletResponse.SC_NOT_FOUND, "404 Not Found", uri);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void refuse(HttpServletResponse response, int status, String text, String uri) throws IOException {
        if (log.isDebugEnabled()) {
            log.debug("{} for request path {}", status, uri.length() > 200 ? uri.substring(0, 200) + "…" : uri);
        }
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(text + "\n");
    }

    /** Whether the raw path (as sent, before decoding) has none of what this filter refuses. */
    static boolean plain(String rawPath) {
        if (rawPath == null || rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0) {
            return false;
        }
        int start = 0;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            String segment = decode(rawPath.substring(start, end));
            if (segment == null || segment.equals(".") || segment.equals("..") || segment.indexOf('/') >= 0
                    || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0 || segment.indexOf(';') >= 0
                    || segment.indexOf('%') >= 0) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    /** A segment's %XX escapes decoded to characters (bytes as Latin-1 are enough to see these); null when one is malformed. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            sb.append((char) (hi * 16 + lo));
            i += 2;
        }
        return sb.toString();
    }
}
