package dev.nscope.settings;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/** Prints a start-up failure as one line on stderr (Boot's multi-line report is switched off). */
public class OneLineFailureReporter implements FailureAnalysisReporter {
    @Override
    public void report(FailureAnalysis analysis) {
        String d = analysis.getDescription() == null ? "start-up failed" : analysis.getDescription();
        System.err.println("nscope: " + d.replaceAll("\\s*\\n\\s*", " ").trim());
    }
}
