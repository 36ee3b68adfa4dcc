package dev.nscope.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns nscope's configuration errors (and property binding errors) into a one-line analysis. */
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuntimeException cause) {
        String problem = ConfigurationProblem.of(rootFailure);
        return problem == null ? null : new FailureAnalysis(problem, "fix the configuration and start nscope again", cause);
    }
}
