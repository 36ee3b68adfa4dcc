package dev.nscope.events;

import java.util.List;

/**
 * Receives the events of a {@link ProcessEventSource}, always on the source's one thread. A listener that takes
 * long makes the kernel's socket buffer fill: events are then dropped and {@link #overflow()} says so.
 */
public interface ProcessEventListener {

    /** The events one receive returned (or a few), oldest first; never empty; the list is the listener's to keep. */
    void events(List<ProcessEvent> batch);

    /**
     * The kernel dropped events ({@code ENOBUFS}: the socket's receive buffer was full). What was missed cannot be
     * asked again: the consumer rescans.
     */
    void overflow();
}
