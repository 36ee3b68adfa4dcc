package dev.nscope.events;

/**
 * Where the kernel's process events come from, if anywhere. {@link #start} returns at once; the events arrive on
 * one daemon thread of the source. When the source cannot listen its state is {@link State#UNAVAILABLE} with a
 * one-line {@link #unavailableReason()}, and the agent works by polling alone. {@link #close()} stops listening.
 */
public interface ProcessEventSource extends AutoCloseable {

    enum State {
        /** not started yet, or subscribed and waiting for the kernel's acknowledgement */
        STARTING,
        /** subscribed: events arrive */
        LISTENING,
        /** no events from this source: see {@link #unavailableReason()} */
        UNAVAILABLE
    }

    /** Starts listening, delivering to {@code listener}; once. Never throws for a host that cannot deliver: the state says so. */
    void start(ProcessEventListener listener);

    State state();

    /** Why there are no events, one line; null unless {@link State#UNAVAILABLE}. */
    String unavailableReason();

    /** Events the kernel dropped since the start (the receive buffer was full). */
    long dropped();

    /** Events received since the start (fork, exec and exit; other kinds are not counted). */
    default long received() {
        return 0;
    }

    @Override
    void close();
}
