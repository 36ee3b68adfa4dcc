package dev.nscope.metrics;

import dev.nscope.text.ByteOutput;
import io.prometheus.metrics.model.snapshots.Labels;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes nscope's families in the two Prometheus text formats (0.0.4 and OpenMetrics 1.0.0), byte for
 * byte as the Prometheus client's {@code PrometheusTextFormatWriter} and {@code OpenMetricsTextFormatWriter}
 * write them (a test holds the two side by side), in a fraction of their time ({@code ScrapeCostTest}).
 * The client's writers go a character at a time through a {@code Writer} and re-check every name on
 * every line, which was most of a scrape's time at a thousand containers. This one escapes each label
 * set once, straight into the output (the base
 * labels of a container are one object shared by all its families), and copies it for later lines.
 */
final class TextExposition {
    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);
    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

    private final boolean openMetrics;
    /** Where each label set was first written in {@link #out}: {offset, length}; later lines copy it from there. */
    private final Map<Labels, int[]> written = new IdentityHashMap<>();
    private final ByteOutput out;

    private final IdentityHashMap<Labels, byte[]> rendered;

    private TextExposition(boolean openMetrics, int sizeHint, IdentityHashMap<Labels, byte[]> rendered) {
        this.openMetrics = openMetrics;
        this.out = new ByteOutput(sizeHint);
        this.rendered = rendered;
    }

    /** Bytes written, in the first {@code length} bytes of {@code array} (not trimmed: no copy). */
    record Chunk(byte[] array, int length) {
        String text() {
            return new String(array, 0, length, StandardCharsets.UTF_8);
        }
    }

    /**
     * The families whose name {@code included} accepts, without the OpenMetrics {@code # EOF} line, in the
     * order the client writes them (by name).
     */
    static Chunk write(List<MetricFamily> families, boolean openMetrics, Predicate<String> included, int sizeHint) {
        return write(families, openMetrics, included, sizeHint, null);
    }

    /**
     * As {@link #write(List, boolean, Predicate, int)}, with each label set's bytes (the same in both
     * formats) taken from {@code rendered} when there, and put there when not: label sets live on from one
     * snapshot to the next ({@link LabelCache}), so most are escaped once and copied after that. The map is
     * identity-keyed, used by one write at a time, and left with the label sets of this write only.
     */
    static Chunk write(List<MetricFamily> families, boolean openMetrics, Predicate<String> included, int sizeHint,
                       IdentityHashMap<Labels, byte[]> rendered) {
        TextExposition w = new TextExposition(openMetrics, sizeHint, rendered);
        List<MetricFamily> byName = new ArrayList<>(families);
        byName.sort(Comparator.comparing(MetricFamily::name));
        for (MetricFamily f : byName) {
            if (!f.isEmpty() && included.test(f.name())) {
                w.family(f);
            }
        }
        if (rendered != null) {
            rendered.keySet().retainAll(w.written.keySet());
        }
        return new Chunk(w.out.array(), w.out.length());
    }

    /**
     * {@code head} (the client's output for the other families) followed by {@code chunks}, with the
     * OpenMetrics {@code # EOF} kept last: one array of the exact size, the only copy made.
     */
    static byte[] append(byte[] head, boolean openMetrics, Chunk... chunks) {
        int headLength = head.length;
        if (openMetrics && endsWith(head, EOF)) {
            headLength -= EOF.length;
        }
        int size = headLength + (openMetrics ? EOF.length : 0);
        for (Chunk c : chunks) {
            size += c.length();
        }
        byte[] all = Arrays.copyOf(head, size);
        int at = headLength;
        for (Chunk c : chunks) {
            System.arraycopy(c.array(), 0, all, at, c.length());
            at += c.length();
        }
        if (openMetrics) {
            System.arraycopy(EOF, 0, all, at, EOF.length);
        }
        return all;
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        return a.length >= suffix.length
                && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
    }

    private void family(MetricFamily f) {
        String name = f.name();
        byte[] sample;
        switch (f.kind()) {
            case COUNTER -> {
                metadata(name, "_total", "counter", f);
                sample = ascii(name + "_total");
            }
            case INFO -> {
                metadata(name, "_info", openMetrics ? "info" : "gauge", f);
                sample = ascii(name + "_info");
            }
            default -> {
                metadata(name, "", "gauge", f);
                sample = ascii(name);
            }
        }
        List<Labels> labels = f.labels();
        double[] values = f.values();
        int[] order = sortedByLabels(labels);
        for (int i : order) {
            out.put(sample);
            Labels l = labels.get(i);
            if (!l.isEmpty()) {
                int[] at = written.get(l);
                if (at == null) {
                    int start = out.length();
                    byte[] bytes = rendered == null ? null : rendered.get(l);
                    if (bytes != null) {
                        out.put(bytes);
                    } else {
                        labelSet(l);
                        if (rendered != null) {
                            rendered.put(l, Arrays.copyOfRange(out.array(), start, out.length()));
                        }
                    }
                    written.put(l, new int[] {start, out.length() - start});
                } else {
                    out.copyWithin(at[0], at[1]);
                }
            }
            out.put((byte) ' ');
            if (f.kind() == MetricFamily.Kind.INFO) {
                out.put((byte) '1');
            } else {
                number(values[i]);
            }
            out.put((byte) '\n');
        }
    }

    /**
     * The data points in the order the client writes them: sorted by their labels (a snapshot sorts its
     * points on creation, stably). The container families come sorted already (see
     * {@link ContainerMetrics#collect}), so this is mostly one pass that checks.
     */
    private static int[] sortedByLabels(List<Labels> labels) {
        int n = labels.size();
        int[] order = new int[n];
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (sorted && i > 0 && labels.get(i - 1).compareTo(labels.get(i)) > 0) {
                sorted = false;
            }
        }
        if (sorted) {
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> labels.get(a).compareTo(labels.get(b)));
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /**
     * 0.0.4: {@code # HELP} then {@code # TYPE}, on the name with the sample's suffix. OpenMetrics:
     * {@code # TYPE}, {@code # UNIT}, {@code # HELP} on the family's name.
     */
    private void metadata(String name, String suffix, String type, MetricFamily f) {
        if (openMetrics) {
            out.ascii("# TYPE ").ascii(name).put((byte) ' ').ascii(type).put((byte) '\n');
            if (f.unit() != null) {
                out.ascii("# UNIT ").ascii(name).put((byte) ' ');
                escaped(f.unit().toString(), true);
                out.put((byte) '\n');
            }
            if (f.help() != null && !f.help().isEmpty()) {
                out.ascii("# HELP ").ascii(name).put((byte) ' ');
                escaped(f.help(), true);
                out.put((byte) '\n');
            }
            return;
        }
        if (f.help() != null && !f.help().isEmpty()) {
            out.ascii("# HELP ").ascii(name).ascii(suffix).put((byte) ' ');
            escaped(f.help(), false);
            out.put((byte) '\n');
        }
        out.ascii("# TYPE ").ascii(name).ascii(suffix).put((byte) ' ').ascii(type).put((byte) '\n');
    }

    /** {@code {a="x",b="y"}}, values escaped as in both formats: backslash, double quote, newline. */
    private void labelSet(Labels l) {
        out.put((byte) '{');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.put((byte) ',');
            }
            out.ascii(l.getPrometheusName(i)).put((byte) '=').put((byte) '"');
            String v = l.getValue(i);
            for (int k = 0; k < v.length(); k++) {
                char c = v.charAt(k);
                switch (c) {
                    case '\\' -> out.put((byte) '\\').put((byte) '\\');
                    case '"' -> out.put((byte) '\\').put((byte) '"');
                    case '\n' -> out.put((byte) '\\').put((byte) 'n');
                    default -> {
                        if (c < 0x80) {
                            out.put((byte) c);
                        } else {
                            k = out.utf8(v, k);
                        }
                    }
                }
            }
            out.put((byte) '"');
        }
        out.put((byte) '}');
    }

    /** HELP text: backslash and newline escaped; OpenMetrics also escapes the double quote. */
    private void escaped(String s, boolean quote) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append(quote ? "\\\"" : "\"");
                default -> sb.append(c);
            }
        }
        out.put(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * As the client writes a value: {@code +Inf}, {@code -Inf}, else {@link Double#toString}. Whole
     * numbers under 10^7 (most counters and gauges) are {@code digits.0} in Double.toString, written here
     * without building a String.
     */
    private void number(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            out.ascii("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            out.ascii("-Inf");
        } else if (v > -1e7 && v < 1e7 && v == Math.rint(v) && Double.doubleToRawLongBits(v) != NEGATIVE_ZERO) {
            out.digits((long) v).put((byte) '.').put((byte) '0');
        } else {
            out.ascii(Double.toString(v));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
