package dev.nscope.settings;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import java.util.Comparator;
import java.util.List;

/**
 * The one line a user reads for configuration nscope cannot run with, found anywhere in a failure's
 * cause chain: the agent's start-up ({@link ConfigurationFailureAnalyzer}) and the one-shot commands
 * print it and exit 2. A value that does not parse is named with what was given; a value a constraint
 * of {@link NscopeProperties} refuses is that constraint's message, which is already the whole line.
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
            if (t instanceof BindValidationException ve) {
                return firstViolation(ve);
            }
            if (t instanceof BindException be && !(be.getCause() instanceof BindValidationException)) {
                return "invalid value for " + be.getName()
                        + (be.getProperty() != null ? " ('" + be.getProperty().getValue() + "')" : "") + why(be.getCause());
            }
        }
        return null;
    }

    /** Why a value did not bind: the type it should have had and what its parser said, or the first message of the chain. */
    private static String why(Throwable cause) {
        if (cause instanceof ConversionFailedException c) {
            Throwable root = c;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return ": expected " + c.getTargetType().getType().getSimpleName()
                    + (root != c && root.getMessage() != null ? " (" + oneLine(root.getMessage()) + ")" : "");
        }
        Throwable reason = cause;
        while (reason != null && reason.getCause() != null && reason.getMessage() == null) {
            reason = reason.getCause();
        }
        return reason != null && reason.getMessage() != null ? ": " + oneLine(reason.getMessage()) : "";
    }

    /**
     * One violation where several values are wrong: the first by property path, so the same
     * configuration always gets the same line.
     */
    private static String firstViolation(BindValidationException e) {
        List<ObjectError> errors = e.getValidationErrors().getAllErrors();
        return errors.stream()
                .min(Comparator.comparing((ObjectError o) -> o.getObjectName() + (o instanceof FieldError f ? "." + f.getField() : ""))
                        .thenComparing(o -> String.valueOf(o.getDefaultMessage())))
                .map(o -> oneLine(String.valueOf(o.getDefaultMessage())))
                .orElse("invalid configuration");
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
