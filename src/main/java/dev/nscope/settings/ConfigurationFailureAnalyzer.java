package dev.nscope.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns nscope's configuration errors (and property binding and validation errors) into a one-line
 * analysis; ahead of Boot's own analyzers for the same failures, whose reports span several lines.
 */
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeException> implements Ordered {
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuntimeException cause) {
        String problem = ConfigurationProblem.of(rootFailure);
        return problem == null ? null : new FailureAnalysis(problem, "fix the configuration and start nscope again", cause);
    }
}
