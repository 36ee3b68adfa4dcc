package dev.nscope.agent;

import dev.nscope.events.ProcessEventListener;
import dev.nscope.events.ProcessEventSource;
import dev.nscope.scan.ScanSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts the process event source once the first snapshot is published (the listener then has a picture of the
 * host to apply the events to), and says where the agent stands: a source of {@link dev.nscope.snapshot.AgentWarnings}
 * whose warning lasts while the source is unavailable, and one log line when it starts listening or finds it
 * cannot. Turned off by the user ({@code nscope.events.enabled=false}), it starts nothing and warns of nothing.
 */
public final class ProcessEventsStarter implements Consumer<ScanSnapshot>, Supplier<String> {
    private static final Logger log = LoggerFactory.getLogger(ProcessEventsStarter.class);
    static final long START_WAIT_NANOS = 1_000_000_000L;

    private final ProcessEventSource source;
    private final ProcessEventListener listener;
    private final boolean enabled;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile ProcessEventSource.State logged;

    public ProcessEventsStarter(ProcessEventSource source, ProcessEventListener listener, boolean enabled) {
        this.source = source;
        this.listener = listener;
        this.enabled = enabled;
    }

    /** A snapshot was published: the first one starts the source. */
    @Override
    public void accept(ScanSnapshot s) {
        if (enabled && started.compareAndSet(false, true)) {
            source.start(listener);
            // the kernel acknowledges within the subscription: wait a moment for it, to log where things stand
            long deadline = System.nanoTime() + START_WAIT_NANOS;
            while (source.state() == ProcessEventSource.State.STARTING && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            get();
        }
    }

    /** The warning while the source cannot deliver; null while it listens, is starting, or is turned off. */
    @Override
    public String get() {
        if (!enabled) {
            return null;
        }
        ProcessEventSource.State state = source.state();
        if (state != logged && state != ProcessEventSource.State.STARTING) {
            logged = state;
            if (state == ProcessEventSource.State.LISTENING) {
                log.info("listening to the kernel's process events");
            } else {
                log.warn("{}", warning(source.unavailableReason()));
            }
        }
        return state == ProcessEventSource.State.UNAVAILABLE ? warning(source.unavailableReason()) : null;
    }

    static String warning(String reason) {
        return "process events unavailable: " + reason + "; polling only (new containers are seen at the next scan, "
                + "how containers stop is not known)";
    }

    public boolean enabled() {
        return enabled;
    }
}
