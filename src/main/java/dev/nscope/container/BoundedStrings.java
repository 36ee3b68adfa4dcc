package dev.nscope.container;

import dev.nscope.host.ErrorKind;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strings that come from runtime metadata (files users partly control) are bounded before they become a
 * label value, a JSON value or a terminal cell: at most {@link #MAX_BYTES} bytes of UTF-8, the last of them
 * a marker ({@link #MARKER}) when something was cut. Each cut is recorded as {@link ErrorKind#TRUNCATED}.
 */
final class BoundedStrings {
    /** The most bytes of UTF-8 a metadata string keeps, its marker included. */
    static final int MAX_BYTES = 256;
    static final String MARKER = "…";
    private static final int KEEP = MAX_BYTES - MARKER.getBytes(StandardCharsets.UTF_8).length;

    private BoundedStrings() {
    }

    /** {@code s}, or its first bytes and the marker when it is longer than {@link #MAX_BYTES}; null stays null. */
    static String bound(String s, List<ErrorKind> cuts) {
        if (s == null || s.length() <= MAX_BYTES / 4) {
            return s; // at most 4 bytes a char: certainly short enough
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_BYTES) {
            return s;
        }
        cuts.add(ErrorKind.TRUNCATED);
        int end = KEEP;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // not inside a multi-byte character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + MARKER;
    }

    /** Every field of {@code m} bounded; the labels' keys and values too. */
    static ContainerMetadata bound(ContainerMetadata m, List<ErrorKind> cuts) {
        if (m.isEmpty()) {
            return m;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        m.labels().forEach((k, v) -> labels.putIfAbsent(bound(k, cuts), bound(v, cuts)));
        return new ContainerMetadata(bound(m.name(), cuts), bound(m.image(), cuts), bound(m.stopSignal(), cuts),
                bound(m.podName(), cuts), bound(m.podNamespace(), cuts), bound(m.podUid(), cuts), bound(m.containerName(), cuts),
                m.podSandbox(), m.dockerInit(), Map.copyOf(labels), m.source());
    }
}
