package dev.nscope.settings;

import org.springframework.boot.context.properties.bind.BindException;

/**
 * The one line a user reads for configuration nscope cannot run with, found anywhere in a failure's
 * cause chain: the agent's start-up ({@link ConfigurationFailureAnalyzer}) and the one-shot commands
 * print it and exit 2.
 */
public final class ConfigurationProblem {
    private ConfigurationProblem() {
    }

    /** The one-line message of a configuration failure anywhere in the cause chain, or null. */
    public static String of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException) {
                return t.getMessage();
            }
            if (t instanceof BindException be) {
                Throwable reason = be.getCause();
                while (reason != null && reason.getCause() != null && reason.getMessage() == null) {
                    reason = reason.getCause();
                }
                return "invalid value for " + be.getName()
                        + (be.getProperty() != null ? " ('" + be.getProperty().getValue() + "')" : "")
                        + (reason != null && reason.getMessage() != null ? ": " + oneLine(reason.getMessage()) : "");
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
