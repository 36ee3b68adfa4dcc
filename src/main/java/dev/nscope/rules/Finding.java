package dev.nscope.rules;

import java.util.Map;

/**
 * One rule's verdict on one container, with the evidence a user can check by hand.
 *
 * @param rule     the rule id (part of the contract)
 * @param evidence what the verdict rests on: values read from /proc and the cgroup, and a one-line {@code fix};
 *                 kept as {@link Evidence}, immutable
 */
public record Finding(String rule, Severity severity, String message, Map<String, Object> evidence) {
    public Finding {
        evidence = Evidence.copyOf(evidence);
    }
}
