package dev.nscope.rules;

import java.util.Map;

/**
 * One rule's verdict on one container, with the evidence a user can check by hand.
 *
 * @param rule     the rule id (part of the contract)
 * @param fix      what to do about it, for this container (the rule's general fix is {@link RuleSpec#fix()})
 * @param evidence what the verdict rests on: values read from /proc and the cgroup; kept as {@link Evidence}, immutable
 */
public record Finding(String rule, Severity severity, String message, String fix, Map<String, Object> evidence) {
    public Finding {
        evidence = Evidence.copyOf(evidence);
    }

    /** The same finding with one evidence entry set (in its place, else last). */
    public Finding withEvidence(String key, Object value) {
        Evidence e = ((Evidence) evidence).with(key, value);
        return e == evidence ? this : new Finding(rule, severity, message, fix, e);
    }
}
