package dev.nscope.scan;

import java.util.Map;

/** Processes and threads of a container; {@code byState} counts processes by their stat state letter. */
public record ProcessSummary(int total, int threads, int zombies, Map<String, Integer> byState) {
}
