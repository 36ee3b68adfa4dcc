package dev.nscope.events;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A listener that only counts what it is given: forks, execs, exits and overflows. */
public final class CountingListener implements ProcessEventListener {
    private final AtomicLong forks = new AtomicLong();
    private final AtomicLong execs = new AtomicLong();
    private final AtomicLong exits = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    @Override
    public void events(List<ProcessEvent> batch) {
        long f = 0;
        long x = 0;
        long e = 0;
        for (ProcessEvent ev : batch) {
            switch (ev.type()) {
                case FORK -> f++;
                case EXEC -> x++;
                case EXIT -> e++;
            }
        }
        forks.addAndGet(f);
        execs.addAndGet(x);
        exits.addAndGet(e);
        batches.incrementAndGet();
    }

    @Override
    public void overflow() {
        overflows.incrementAndGet();
    }

    public long forks() {
        return forks.get();
    }

    public long execs() {
        return execs.get();
    }

    public long exits() {
        return exits.get();
    }

    public long overflows() {
        return overflows.get();
    }

    public long batches() {
        return batches.get();
    }
}
