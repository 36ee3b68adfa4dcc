package dev.nscope.rules;

/** How bad a finding is; the label is the contract's value. */
public enum Severity {
    CRITICAL("critical"), WARNING("warning"), INFO("info");

    private final String label;

    Severity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
