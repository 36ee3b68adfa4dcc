package dev.nscope.container;

import dev.nscope.host.MalformedFileException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for runtime metadata files (Docker's {@code config.v2.json}, OCI
 * {@code config.json}), so the core needs no JSON library. Objects become {@code Map<String,Object>},
 * arrays {@code List<Object>}, numbers {@code Double} or {@code Long}, plus {@code String},
 * {@code Boolean} and {@link #NULL}. Nesting is limited; any error is a {@link MalformedFileException}.
 */
public final class Json {
    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final int MAX_DEPTH = 64;

    private final byte[] b;
    private final int len;
    private int i;

    private Json(byte[] b, int len) {
        this.b = b;
        this.len = len;
    }

    public static Object parse(byte[] b, int len) throws MalformedFileException {
        Json j = new Json(b, len);
        try {
            j.ws();
            Object v = j.value(0);
            j.ws();
            if (j.i != len) {
                throw new MalformedFileException("json: trailing content at " + j.i);
            }
            return v;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new MalformedFileException("json: truncated or bad number");
        }
    }

    public static Object parse(String s) throws MalformedFileException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, bytes.length);
    }

    /** The object at a path of keys, or null when any step is missing or not an object. */
    @SuppressWarnings("unchecked")
    public static Object at(Object root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = ((Map<String, Object>) m).get(k);
        }
        return cur == NULL ? null : cur;
    }

    /** {@link #at} as a string, or null when absent or not a string. */
    public static String string(Object root, String... keys) {
        return at(root, keys) instanceof String s ? s : null;
    }

    /** A map of string values at a path (labels, annotations); non-string values are skipped. */
    public static Map<String, String> strings(Object root, String... keys) {
        Map<String, String> out = new LinkedHashMap<>();
        if (at(root, keys) instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof String s) {
                    out.put(String.valueOf(e.getKey()), s);
                }
            }
        }
        return out;
    }

    private Object value(int depth) throws MalformedFileException {
        if (depth > MAX_DEPTH) {
            throw new MalformedFileException("json: nested too deep");
        }
        if (i >= len) {
            throw new MalformedFileException("json: unexpected end");
        }
        byte c = b[i];
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new MalformedFileException("json: unexpected '" + (char) c + "' at " + i);
        }
    }

    private Map<String, Object> object(int depth) throws MalformedFileException {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw new MalformedFileException("json: expected a key at " + i);
            }
            String k = string();
            ws();
            expect(':');
            ws();
            m.put(k, value(depth + 1));
            ws();
            byte c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new MalformedFileException("json: expected ',' or '}' at " + (i - 1));
            }
        }
    }

    private List<Object> array(int depth) throws MalformedFileException {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') {
            i++;
            return l;
        }
        while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            byte c = next();
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw new MalformedFileException("json: expected ',' or ']' at " + (i - 1));
            }
        }
    }

    private String string() throws MalformedFileException {
        expect('"');
        int start = i;
        // fast path: no escapes
        while (i < len && b[i] != '"' && b[i] != '\\') {
            if ((b[i] & 0xff) < 0x20) {
                throw new MalformedFileException("json: control character in string");
            }
            i++;
        }
        if (i < len && b[i] == '"') {
            return new String(b, start, i++ - start, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(new String(b, start, i - start, StandardCharsets.UTF_8));
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        while (true) {
            byte c = next();
            if (c == '"') {
                flush(raw, sb);
                return sb.toString();
            }
            if ((c & 0xff) < 0x20) {
                throw new MalformedFileException("json: control character in string");
            }
            if (c != '\\') {
                raw.write(c);
                continue;
            }
            flush(raw, sb);
            byte e = next();
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > len) {
                        throw new MalformedFileException("json: short \\u escape");
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(b[i++], 16);
                        if (d < 0) {
                            throw new MalformedFileException("json: bad \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                }
                default -> throw new MalformedFileException("json: bad escape");
            }
        }
    }

    private static void flush(java.io.ByteArrayOutputStream raw, StringBuilder sb) {
        if (raw.size() > 0) {
            sb.append(raw.toString(StandardCharsets.UTF_8));
            raw.reset();
        }
    }

    private Object number() throws MalformedFileException {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        boolean fraction = false;
        while (i < len) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                fraction = true;
                i++;
            } else {
                break;
            }
        }
        String s = new String(b, start, i - start, StandardCharsets.US_ASCII);
        if (s.equals("-")) {
            throw new MalformedFileException("json: bad number");
        }
        if (!fraction) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // too large for a long: fall through to a double
            }
        }
        double d = Double.parseDouble(s);
        if (Double.isNaN(d)) {
            throw new MalformedFileException("json: bad number");
        }
        return d;
    }

    private void literal(String word) throws MalformedFileException {
        for (int k = 0; k < word.length(); k++) {
            if (i >= len || b[i++] != word.charAt(k)) {
                throw new MalformedFileException("json: bad literal");
            }
        }
    }

    private void ws() {
        while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private byte peek() throws MalformedFileException {
        if (i >= len) {
            throw new MalformedFileException("json: unexpected end");
        }
        return b[i];
    }

    private byte next() throws MalformedFileException {
        if (i >= len) {
            throw new MalformedFileException("json: unexpected end");
        }
        return b[i++];
    }

    private void expect(char c) throws MalformedFileException {
        if (next() != c) {
            throw new MalformedFileException("json: expected '" + c + "' at " + (i - 1));
        }
    }
}
