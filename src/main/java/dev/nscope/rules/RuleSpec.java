package dev.nscope.rules;

import java.util.Map;
import java.util.Objects;

/**
 * What a finding rule is, apart from its check: the id (part of the contract), the severity of its
 * findings (a rule may raise one of its findings above it, as {@code pid1-zombies-not-reaped} does near
 * {@code pids.max}), a short title for badges and filters, and the general fix. The code, the web page
 * ({@code /actuator/rules}) and the docs all read these; {@link RuleCatalog} lists them.
 */
public record RuleSpec(String id, Severity severity, String title, String fix) {
    public RuleSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(fix, "fix");
    }

    /** A finding of this rule at its severity, with a fix for this container ({@code fix}). */
    public Finding finding(String message, String fix, Map<String, Object> evidence) {
        return new Finding(id, severity, message, fix, evidence);
    }

    /** A finding of this rule at another severity. */
    public Finding finding(Severity severity, String message, String fix, Map<String, Object> evidence) {
        return new Finding(id, severity, message, fix, evidence);
    }
}
