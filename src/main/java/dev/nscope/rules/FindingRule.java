package dev.nscope.rules;

import java.util.Optional;
import java.util.function.Function;

/**
 * A finding rule: its {@link RuleSpec} and a pure check over the facts it needs ({@code I}, defined by
 * the package that gathers them). Every rule of nscope, PID 1, namespace and resource alike, is one of
 * these; rules can be switched off by id.
 */
public interface FindingRule<I> {
    RuleSpec spec();

    Optional<Finding> check(I input);

    default String id() {
        return spec().id();
    }

    /** A rule whose check returns a finding or null. */
    static <I> FindingRule<I> of(RuleSpec spec, Function<I, Finding> check) {
        return new FindingRule<>() {
            @Override
            public RuleSpec spec() {
                return spec;
            }

            @Override
            public Optional<Finding> check(I input) {
                return Optional.ofNullable(check.apply(input));
            }
        };
    }
}
