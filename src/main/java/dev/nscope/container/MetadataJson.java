package dev.nscope.container;

import dev.nscope.host.MalformedFileException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the few values nscope uses out of a runtime metadata document (Docker's {@code config.v2.json} and
 * {@code hostconfig.json}, an OCI {@code config.json}) with jackson-core's streaming parser: no tree of the
 * whole document is built, everything not asked for is skipped. The files are written by runtimes but,
 * for rootless podman, wholly by a user, so the parser is strict (standard JSON, one root object, no
 * duplicate keys) and bounded by {@link StreamReadConstraints} (size, nesting, string and name length).
 * Any violation is a {@link MalformedFileException}. Pure: bytes in, values out.
 */
final class MetadataJson {
    /** Larger than any runtime writes; the reader's file cap is the real bound on size. */
    static final int MAX_DOCUMENT = 8 << 20;
    static final int MAX_DEPTH = 64;
    /** One label, annotation or env string; exec's own limit on one argument is 128 KiB. */
    static final int MAX_STRING = 1 << 20;
    static final int MAX_NAME = 64 << 10;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(MAX_DOCUMENT).maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING).maxNameLength(MAX_NAME).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private MetadataJson() {
    }

    /** A path of object keys from the root, e.g. {@code path("Config", "Labels")}. */
    static List<String> path(String... keys) {
        return List.of(keys);
    }

    /**
     * The values found at the wanted paths: a JSON string as {@link String}, {@code true}/{@code false} as
     * {@link Boolean}, an object as a {@code Map<String, String>} of its string members (others left out).
     * A path that is absent, or holds another kind of value, is not in the result.
     */
    record Fields(Map<List<String>, Object> values) {
        String string(List<String> path) {
            return values.get(path) instanceof String s ? s : null;
        }

        Boolean bool(List<String> path) {
            return values.get(path) instanceof Boolean b ? b : null;
        }

        @SuppressWarnings("unchecked")
        Map<String, String> strings(List<String> path) {
            return values.get(path) instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
        }
    }

    static Fields read(byte[] data, int length, List<List<String>> wanted) throws MalformedFileException {
        Map<List<String>, Object> out = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), data, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedFileException("json: the document is not an object");
            }
            object(p, new ArrayList<>(), wanted, out);
            if (p.nextToken() != null) {
                throw new MalformedFileException("json: content after the root object");
            }
        } catch (JacksonException e) {
            throw new MalformedFileException("json: " + oneLine(e.getOriginalMessage()));
        }
        return new Fields(out);
    }

    /** Walks the members of the object whose START_OBJECT was just read, descending only towards wanted paths. */
    private static void object(JsonParser p, List<String> at, List<List<String>> wanted, Map<List<String>, Object> out) {
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            at.add(name);
            if (wanted.contains(at)) {
                Object v = switch (t) {
                    case VALUE_STRING -> p.getString();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case START_OBJECT -> strings(p);
                    default -> {
                        p.skipChildren();
                        yield null;
                    }
                };
                if (v != null) {
                    out.put(List.copyOf(at), v);
                }
            } else if (t == JsonToken.START_OBJECT && leadsTo(at, wanted)) {
                object(p, at, wanted, out);
            } else {
                p.skipChildren();
            }
            at.remove(at.size() - 1);
        }
    }

    private static Map<String, String> strings(JsonParser p) {
        Map<String, String> m = new LinkedHashMap<>();
        String name;
        while ((name = p.nextName()) != null) {
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                m.put(name, p.getString());
            } else {
                p.skipChildren();
            }
        }
        return m;
    }

    private static boolean leadsTo(List<String> at, List<List<String>> wanted) {
        for (List<String> w : wanted) {
            if (w.size() > at.size() && w.subList(0, at.size()).equals(at)) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's message on one line and short: it may quote the token it choked on. */
    private static String oneLine(String s) {
        String line = s == null ? "unreadable" : s.replaceAll("\\s+", " ").trim();
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
