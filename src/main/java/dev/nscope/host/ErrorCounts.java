package dev.nscope.host;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Problems met during one scan, counted by {@link ErrorKind}. Mutable during the scan; not thread-safe. */
public final class ErrorCounts {
    private final long[] counts = new long[ErrorKind.values().length];

    /** Counts the failure and returns its kind. */
    public ErrorKind count(IOException e) {
        ErrorKind k = KernelErrors.classify(e);
        counts[k.ordinal()]++;
        return k;
    }

    public void count(ErrorKind k) {
        counts[k.ordinal()]++;
    }

    public long get(ErrorKind k) {
        return counts[k.ordinal()];
    }

    /** A frozen copy with every kind, in declaration order (zeros included). */
    public Map<ErrorKind, Long> snapshot() {
        Map<ErrorKind, Long> m = new EnumMap<>(ErrorKind.class);
        for (ErrorKind k : ErrorKind.values()) {
            m.put(k, counts[k.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** By label, for JSON. */
    public static Map<String, Long> byLabel(Map<ErrorKind, Long> snapshot) {
        Map<String, Long> m = new LinkedHashMap<>();
        snapshot.forEach((k, v) -> m.put(k.label(), v));
        return m;
    }
}
