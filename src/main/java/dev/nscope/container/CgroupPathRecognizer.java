package dev.nscope.container;

import java.util.List;

/**
 * Names the container a cgroup path belongs to: the <em>deepest</em> segment that some runtime
 * recognizer claims. Deepest, because containers nest (Docker in Docker, a kind node's pods under
 * {@code /docker/<node>/…}) and the innermost one is the process's container, while sub-cgroups a
 * container makes for itself ({@code /docker/<id>/init.scope}) stay with it.
 */
public final class CgroupPathRecognizer {
    private final List<RuntimeRecognizer> recognizers;

    public CgroupPathRecognizer(List<RuntimeRecognizer> recognizers) {
        this.recognizers = List.copyOf(recognizers);
    }

    public static CgroupPathRecognizer defaults() {
        return new CgroupPathRecognizer(Recognizers.defaults());
    }

    /** The claim on a normalised cgroup path, or null when no runtime claims it. */
    public CgroupClaim recognize(String path) {
        if (path == null || path.length() < 2) {
            return null;
        }
        String[] segments = segments(path);
        for (int i = segments.length - 1; i >= 0; i--) {
            for (RuntimeRecognizer r : recognizers) {
                CgroupClaim c = r.recognize(segments, i);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    private static String[] segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
