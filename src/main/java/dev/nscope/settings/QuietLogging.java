package dev.nscope.settings;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * No log line at all while open, for the work nscope does before (or, in the one-shot commands, without) a
 * Spring context, whose logging set-up has not run: Logback's default would print every library's lines
 * (Hibernate Validator's version, OSHI's notes) on stdout, which is {@code scan}'s output. Problems are
 * reported by the caller, on one line on stderr.
 */
public final class QuietLogging implements AutoCloseable {
    private final LoggerContext logback;
    private final TurboFilter deny = new TurboFilter() {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            return FilterReply.DENY;
        }
    };

    private QuietLogging() {
        logback = LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null;
        if (logback != null) {
            logback.addTurboFilter(deny);
        }
    }

    public static QuietLogging start() {
        return new QuietLogging();
    }

    @Override
    public void close() {
        if (logback != null) {
            logback.getTurboFilterList().remove(deny);
        }
    }
}
