package dev.nscope.container;

/**
 * Recognises one runtime's container cgroup. {@link CgroupPathRecognizer} shows it each segment of a
 * path, deepest first; the recognizer looks at that segment (and, if it must, its ancestors) and
 * claims it or not. Pure: no I/O.
 */
public interface RuntimeRecognizer {
    /**
     * @param segments the path split at '/', without empty segments
     * @param i        the segment to judge
     * @return the claim, with {@link CgroupClaim#scopePath()} ending at segment {@code i}, or null
     */
    CgroupClaim recognize(String[] segments, int i);
}
