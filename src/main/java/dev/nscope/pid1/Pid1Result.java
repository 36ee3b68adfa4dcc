package dev.nscope.pid1;

import dev.nscope.rules.Finding;

import java.util.List;

/**
 * What {@link Pid1Analyzer} made of one look at a container's PID 1.
 *
 * @param kind            what kind of init it is ({@link #initKind()} is the JSON value)
 * @param catchesSigterm  the JSON {@code pid1.catchesSigterm}: true when the stop signal will be
 *                        delivered, false when dropped, null when it cannot be told (yet: a verdict needs
 *                        several looks in a row)
 * @param findings        the findings of the enabled PID 1 rules, in rule order
 * @param liveChildren    PID 1's children that are not zombies
 * @param pid1Zombies     PID 1's zombies in this look (young ones included)
 * @param unreapedZombies PID 1's zombies past the grace
 * @param look            everything the rules saw, for debugging and tests
 */
public record Pid1Result(InitKind kind, Boolean catchesSigterm, List<Finding> findings, int liveChildren,
                         int pid1Zombies, int unreapedZombies, Pid1Look look) {

    public Pid1Result {
        findings = List.copyOf(findings);
    }

    /** The JSON {@code pid1.initKind}. */
    public String initKind() {
        return kind.label();
    }
}
