package dev.nscope.events;

/**
 * The source of a host whose events nscope does not listen to: a procfs that is not the live one (a fixture
 * tree), or events turned off ({@code nscope.events.enabled=false}). Always {@link State#UNAVAILABLE}.
 */
public final class NoProcessEvents implements ProcessEventSource {
    private final String reason;

    public NoProcessEvents(String reason) {
        this.reason = reason;
    }

    @Override
    public void start(ProcessEventListener listener) {
        // nothing to listen to
    }

    @Override
    public State state() {
        return State.UNAVAILABLE;
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public void close() {
        // nothing open
    }
}
