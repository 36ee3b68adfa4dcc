package dev.nscope.rules;

import java.util.Optional;

/**
 * A finding rule: an id from the contract, a severity, and a pure check over the facts it needs
 * ({@code I}, defined by the package that gathers them). Rules can be switched off by id.
 */
public interface FindingRule<I> {
    String id();

    Severity severity();

    Optional<Finding> check(I input);
}
