package dev.nscope.scan;

import java.time.Instant;

/**
 * What the node is: found once at start (by an adapter outside the core, see the agent's
 * {@code OshiNodeFacts}) and carried in every snapshot. Unknown facts are null.
 */
public record NodeFacts(Long memoryBytes, Integer logicalCpus, Instant bootTime, String os) {
    public static final NodeFacts UNKNOWN = new NodeFacts(null, null, null, null);
}
