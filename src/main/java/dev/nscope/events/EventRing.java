package dev.nscope.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code nscope.events.capacity} container events, numbered from 1 in the order they were added; the
 * oldest is dropped when the ring is full. Readers ask for what came after the number they saw last
 * ({@link #since}), so a poller never misses an event that is still in the ring. Besides the ring, the stops are
 * counted by outcome since the start (the metrics' {@code nscope_container_stops_total}). Thread-safe.
 */
public final class EventRing {
    public static final int MAX_CAPACITY = 100_000;

    private final ContainerEvent[] ring;
    /** The seq of the newest event; the oldest kept is {@code max(1, last - ring.length + 1)}. */
    private long last;
    private final Map<String, Long> stops = new LinkedHashMap<>();

    public EventRing(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be from 1 to " + MAX_CAPACITY + " (got " + capacity + ")");
        }
        this.ring = new ContainerEvent[capacity];
        for (String outcome : ContainerEvent.OUTCOMES) {
            stops.put(outcome, 0L);
        }
    }

    /** Adds {@code e} under the next number (its own {@code seq} is ignored) and returns it so numbered. */
    public synchronized ContainerEvent add(ContainerEvent e) {
        ContainerEvent numbered = e.withSeq(last + 1);
        last++;
        ring[(int) ((last - 1) % ring.length)] = numbered;
        if (ContainerEvent.STOPPED.equals(e.type()) && e.outcome() != null) {
            stops.merge(e.outcome(), 1L, Long::sum);
        }
        return numbered;
    }

    /** The events kept whose number is above {@code seq}, oldest first (all of them for 0 or less). */
    public synchronized List<ContainerEvent> since(long seq) {
        long first = Math.max(1, last - ring.length + 1);
        long from = Math.max(first, seq + 1);
        if (from > last) {
            return List.of();
        }
        List<ContainerEvent> out = new ArrayList<>((int) (last - from + 1));
        for (long s = from; s <= last; s++) {
            out.add(ring[(int) ((s - 1) % ring.length)]);
        }
        return out;
    }

    /** The number of the newest event; 0 before the first. */
    public synchronized long lastSeq() {
        return last;
    }

    public int capacity() {
        return ring.length;
    }

    /** Stops since the start by outcome: every known outcome (0 when none), then any other the events named. */
    public synchronized Map<String, Long> stopsByOutcome() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(stops));
    }
}
